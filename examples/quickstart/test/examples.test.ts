import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = (name: string) => new URL(`../${name}`, import.meta.url).pathname;

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) {
    rmSync(directory, { recursive: true, force: true });
  }
});

/** Creates an empty directory to pass as TMPDIR, so a test can see what a script leaves there. */
function emptyTmpdir(): string {
  const directory = mkdtempSync(join(tmpdir(), 'kmskit-quickstart-test-'));
  directories.push(directory);
  return directory;
}

/** Returns a copy of the environment without any MinIO KMS variable. */
function envWithoutKms(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('MINIO_KMS_')),
  );
}

describe('README examples', () => {
  it('builtin round trip', async () => {
    const { stdout } = await run(process.execPath, [script('builtin.mjs')], {
      env: {
        ...envWithoutKms(),
        MINIO_KMS_SECRET_KEY: `my-key:${Buffer.alloc(32, 1).toString('base64')}`,
      },
    });
    expect(stdout).toContain('key my-key: round trip ok');
  });

  it('builtin without a key', async () => {
    const failure = await run(process.execPath, [script('builtin.mjs')], {
      env: envWithoutKms(),
    }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toBe('');
    const lines = failure?.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines?.[0]).toMatch(/^builtin\.mjs: set MINIO_KMS_SECRET_KEY to /);
  });

  it('builtin with a malformed key', async () => {
    const failure = await run(process.execPath, [script('builtin.mjs')], {
      env: { ...envWithoutKms(), MINIO_KMS_SECRET_KEY: 'my-key' },
    }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(
      /^builtin\.mjs: MINIO_KMS_SECRET_KEY: invalid builtin secret key/,
    );
    expect(failure?.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('KES from MinIO variables', async () => {
    const temporary = emptyTmpdir();
    const { stdout } = await run(process.execPath, [script('kes.mjs')], {
      env: { ...process.env, TMPDIR: temporary },
    });
    expect(stdout).toContain('kes: round trip ok');
    expect(stdout.match(/ online/g)).toHaveLength(2);
    expect(readdirSync(temporary)).toEqual([]);
  });

  it('MinKMS from MinIO variables', async () => {
    const temporary = emptyTmpdir();
    const { stdout } = await run(process.execPath, [script('minkms.mjs')], {
      env: { ...process.env, TMPDIR: temporary },
    });
    expect(stdout).toMatch(/minkms: round trip ok \(key version \d+\)/);
    expect(readdirSync(temporary)).toEqual([]);
  });
});
