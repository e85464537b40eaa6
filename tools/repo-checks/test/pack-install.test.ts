import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'kmskit-pack-'));
const secretKey = `my-key:${Buffer.alloc(32, 7).toString('base64')}`;

function run(command: string, args: string[], cwd = project): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('packed core and conn-builtin', () => {
  beforeAll(() => {
    for (const name of ['core', 'conn-builtin']) {
      run('npm', ['pack', '--pack-destination', project, '--silent'], join(root, 'packages', name));
    }
    const tarballs = readdirSync(project).filter((file) => file.endsWith('.tgz'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    );
    run('npm', [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs.map((t) => `./${t}`),
    ]);
  }, 180_000);
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it('installs only the two packages', () => {
    const scoped = readdirSync(join(project, 'node_modules', '@kmskit')).sort();
    expect(scoped).toEqual(['conn-builtin', 'core']);
  });

  it('round-trips through ESM import', () => {
    writeFileSync(
      join(project, 'esm.mjs'),
      `import { createKMS } from '@kmskit/core';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
const kms = createKMS({ connector: createBuiltinConnector({ secretKey: process.env.KEY }) });
const key = await kms.generateKey({ context: { bucket: 'bucket/object' } });
const plaintext = await kms.decrypt({ name: key.keyId, ciphertext: key.ciphertext, context: { bucket: 'bucket/object' } });
console.log(Buffer.from(plaintext).equals(Buffer.from(key.plaintext)) ? 'esm ok' : 'esm mismatch');`,
    );
    expect(
      execFileSync(process.execPath, ['esm.mjs'], {
        cwd: project,
        env: { ...process.env, KEY: secretKey },
      })
        .toString()
        .trim(),
    ).toBe('esm ok');
  });

  it('round-trips through require', () => {
    writeFileSync(
      join(project, 'cjs.cjs'),
      `const { createKMS } = require('@kmskit/core');
const { createBuiltinConnector } = require('@kmskit/conn-builtin');
const kms = createKMS({ connector: createBuiltinConnector({ secretKey: process.env.KEY }) });
kms.generateKey({ name: 'my-key' }).then(async (key) => {
  const plaintext = await kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext });
  console.log(Buffer.from(plaintext).equals(Buffer.from(key.plaintext)) ? 'cjs ok' : 'cjs mismatch');
});`,
    );
    const output = execFileSync(process.execPath, ['--no-warnings', 'cjs.cjs'], {
      cwd: project,
      env: { ...process.env, KEY: secretKey },
    });
    expect(output.toString().trim()).toBe('cjs ok');
  });

  it('resolves the type declarations', () => {
    writeFileSync(
      join(project, 'check.mts'),
      `import { createKMS, type DataKey, KmsError } from '@kmskit/core';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
const kms = createKMS({ connector: createBuiltinConnector({ secretKey: 'k:${Buffer.alloc(32).toString('base64')}' }) });
const key: Promise<DataKey> = kms.generateKey({ name: 'k' });
const code: string | undefined = KmsError.isInstance(key) ? key.code : undefined;
// @ts-expect-error generateKey takes a request object, not a number.
kms.generateKey(42);
export { code };`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['check.mts'],
      }),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(() => run(process.execPath, [tsc, '-p', 'tsconfig.json'])).not.toThrow();
  });
});
