import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKeyFilePath } from '../src/index.js';
import { isolatedEnv, MINIO_TEST_KEY, run, temporaryDirectory } from './helpers.js';

const OTHER_KEY = 'file-key:QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=';

describe('configuration precedence', () => {
  it('MINIO_KMS_SECRET_KEY replaces the key file', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['status', '--json'], env);

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.json().defaultKeyId).toBe('my-key');
    expect(result.json().source).toBe('MINIO_KMS_SECRET_KEY');
    expect(existsSync(defaultKeyFilePath(env))).toBe(false);
  });

  it('MINIO_KMS_SECRET_KEY_FILE replaces the key file', async () => {
    const secretFile = join(await temporaryDirectory(), 'secret');
    await writeFile(secretFile, `${OTHER_KEY}\n`, { mode: 0o600 });
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY_FILE: secretFile });

    const result = await run(['status', '--json'], env);

    expect(result.status).toBe(0);
    expect(result.json().defaultKeyId).toBe('file-key');
    expect(result.json().source).toBe(`MINIO_KMS_SECRET_KEY_FILE (${secretFile})`);
    expect(existsSync(defaultKeyFilePath(env))).toBe(false);
  });

  it('MINIO_KMS_SECRET_KEY wins over the file variable', async () => {
    const secretFile = join(await temporaryDirectory(), 'secret');
    await writeFile(secretFile, OTHER_KEY, { mode: 0o600 });
    const env = await isolatedEnv({
      MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY,
      MINIO_KMS_SECRET_KEY_FILE: secretFile,
    });

    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('my-key\n');
    expect(result.errorLines).toEqual([
      'kmskit: warning: both MINIO_KMS_SECRET_KEY and MINIO_KMS_SECRET_KEY_FILE are set: using MINIO_KMS_SECRET_KEY (MinIO refuses to start with both)',
    ]);
  });

  it('a missing key file variable warns', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY_FILE: '/nonexistent/kmskit/secret' });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(0);
    expect(result.errorLines).toHaveLength(2);
    expect(result.errorLines[1]).toBe(
      `kmskit: warning: MINIO_KMS_SECRET_KEY_FILE names no file (/nonexistent/kmskit/secret); using key file ${defaultKeyFilePath(env)}`,
    );
  });

  it('a missing key file variable beside the key', async () => {
    const env = await isolatedEnv({
      MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY,
      MINIO_KMS_SECRET_KEY_FILE: '/nonexistent/kmskit/secret',
    });
    const result = await run(['key', 'list'], env);

    expect(result.stdout).toBe('my-key\n');
    expect(result.errorLines).toEqual([
      'kmskit: warning: MINIO_KMS_SECRET_KEY_FILE names no file (/nonexistent/kmskit/secret); using MINIO_KMS_SECRET_KEY',
    ]);
  });

  it('an empty key file variable is quiet', async () => {
    const env = await isolatedEnv({
      MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY,
      MINIO_KMS_SECRET_KEY_FILE: '',
    });
    const result = await run(['key', 'list'], env);

    expect(result.stderr).toBe('');
  });

  it('a missing MINIO_KMS_SECRET_KEY_FILE counts as unset', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY_FILE: '/nonexistent/kmskit/secret' });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(0);
    expect(result.stdout).toBe('kmskit-default-key\n');
    expect(result.errorLines[0]).toMatch(/^kmskit: created a new builtin key at /);
  });

  it('an empty MINIO_KMS_SECRET_KEY counts as unset', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: '' });
    const result = await run(['key', 'list', '--json'], env);

    expect(result.json().names).toEqual(['kmskit-default-key']);
  });

  it('the key file is announced once', async () => {
    const env = await isolatedEnv();
    const first = await run(['demo', '--json'], env);
    const second = await run(['demo', '--json'], env);

    expect(
      first.errorLines.filter((line) => line.includes('created a new builtin key')),
    ).toHaveLength(1);
    expect(second.stderr).toBe('');
  });
});
