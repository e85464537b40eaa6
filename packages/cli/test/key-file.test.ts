import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configDirectory, defaultKeyFilePath } from '../src/index.js';
import { isolatedEnv, run, temporaryDirectory } from './helpers.js';

const KEY_FILE_CONTENT = /^kmskit-default-key:[A-Za-z0-9+/]{43}=\n$/;

describe('default key file', () => {
  it('is created with mode 0600 and announced', async () => {
    const env = await isolatedEnv();
    const path = join(env.KMSKIT_CONFIG_DIR!, 'builtin.key');

    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(0);
    expect(result.errorLines).toEqual([`kmskit: created a new builtin key at ${path} (mode 0600)`]);
    expect(await readFile(path, 'utf8')).toMatch(KEY_FILE_CONTENT);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(env.KMSKIT_CONFIG_DIR!)).mode & 0o777).toBe(0o700);
    expect(result.stdout).toBe('kmskit-default-key\n');
  });

  it('is reused on the second run', async () => {
    const env = await isolatedEnv();
    const first = await run(['dek', 'generate', '--json'], env);
    const content = await readFile(defaultKeyFilePath(env), 'utf8');

    const second = await run(
      ['dek', 'decrypt', 'kmskit-default-key', first.json().ciphertext, '--json'],
      env,
    );

    expect(second.status).toBe(0);
    expect(second.stderr).toBe('');
    expect(second.json().plaintextSha256).toBe(first.json().plaintextSha256);
    expect(await readFile(defaultKeyFilePath(env), 'utf8')).toBe(content);
  });

  it('warns about loose permissions', async () => {
    const env = await isolatedEnv();
    await run(['key', 'list'], env);
    const path = defaultKeyFilePath(env);
    await chmod(path, 0o644);

    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(0);
    expect(result.errorLines).toEqual([
      `kmskit: warning: the key file ${path} has mode 0644, so other users can access it: run 'chmod 600 ${path}'`,
    ]);
  });

  it('rejects invalid content', async () => {
    const env = await isolatedEnv();
    const path = defaultKeyFilePath(env);
    await mkdir(env.KMSKIT_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    await writeFile(path, 'kmskit-default-key:c2hvcnQ=\n', { mode: 0o600 });

    const result = await run(['dek', 'generate'], env);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(
      new RegExp(
        `^kmskit: the key file ${path} is invalid: invalid builtin secret key .*5 bytes, expected 32`,
      ),
    );
    expect(result.stderr).not.toContain('c2hvcnQ');
  });

  it('reports an empty file', async () => {
    const env = await isolatedEnv();
    const path = defaultKeyFilePath(env);
    await mkdir(env.KMSKIT_CONFIG_DIR!, { recursive: true, mode: 0o700 });
    await writeFile(path, '', { mode: 0o600 });

    const result = await run(['dek', 'generate'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: the key file ${path} is empty: delete it so that kmskit creates a new key, or write '<name>:<base64 of 32 bytes>' into it`,
    ]);
  });

  it('names an empty MINIO_KMS_SECRET_KEY_FILE', async () => {
    const secretFile = join(await temporaryDirectory(), 'secret');
    await writeFile(secretFile, '\n', { mode: 0o600 });
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY_FILE: secretFile });

    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: invalid KMS configuration: MINIO_KMS_SECRET_KEY_FILE names ${JSON.stringify(secretFile)}, which is empty: write '<name>:<base64 of 32 bytes>' into it`,
    ]);
  });

  it('reports an unwritable directory', async () => {
    const root = await temporaryDirectory();
    await writeFile(join(root, 'file'), '');
    const env = { KMSKIT_CONFIG_DIR: join(root, 'file', 'kmskit') };

    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: cannot create the key file ${join(root, 'file', 'kmskit', 'builtin.key')}: a parent of the path is not a directory`,
    ]);
  });
});

describe('configDirectory', () => {
  it('prefers KMSKIT_CONFIG_DIR', () => {
    expect(configDirectory({ KMSKIT_CONFIG_DIR: '/c', XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe(
      '/c',
    );
  });

  it('uses an absolute XDG_CONFIG_HOME', () => {
    expect(configDirectory({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/kmskit');
  });

  it('ignores a relative XDG_CONFIG_HOME', () => {
    expect(configDirectory({ XDG_CONFIG_HOME: 'x', HOME: '/h' })).toBe('/h/.config/kmskit');
  });

  it('defaults to ~/.config/kmskit', () => {
    expect(configDirectory({ HOME: '/h' })).toBe('/h/.config/kmskit');
    expect(defaultKeyFilePath({ HOME: '/h' })).toBe('/h/.config/kmskit/builtin.key');
  });

  it('creates the file under XDG_CONFIG_HOME', async () => {
    const root = await temporaryDirectory();
    const result = await run(['key', 'list'], { XDG_CONFIG_HOME: root, HOME: '/nonexistent' });

    expect(result.status).toBe(0);
    expect(await readFile(join(root, 'kmskit', 'builtin.key'), 'utf8')).toMatch(KEY_FILE_CONTENT);
  });
});
