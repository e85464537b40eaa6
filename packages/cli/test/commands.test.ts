import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, MINIO_TEST_KEY, run } from './helpers.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

describe('key commands', () => {
  it('key list prints the builtin key', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const text = await run(['key', 'list'], env);
    const json = await run(['key', 'list', '--json'], env);

    expect(text.status).toBe(0);
    expect(text.stdout).toBe('my-key\n');
    expect(text.stderr).toBe('');
    expect(json.json()).toEqual({ names: ['my-key'], continueAt: '' });
  });

  it('key list filters by prefix', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const matching = await run(['key', 'list', 'my', '--limit', '5', '--json'], env);
    const other = await run(['key', 'list', 'other'], env);
    const continued = await run(['key', 'list', '--continue-at', 'n', '--json'], env);

    expect(matching.json().names).toEqual(['my-key']);
    expect(other.status).toBe(0);
    expect(other.stdout).toBe('');
    expect(continued.json().names).toEqual([]);
  });

  it('key create of the builtin key', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['key', 'create', 'my-key'], env);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.errorLines).toEqual([
      "kmskit: key 'my-key' already exists: choose another name or use the existing key (kms:KeyAlreadyExists)",
    ]);
  });

  it('key create of another name', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['key', 'create', 'new-key', '--json'], env);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/^kmskit: .*new-key.*\(kms:NotSupported\)$/);
  });

  it('key create names the key file', async () => {
    const env = await isolatedEnv();
    const result = await run(['key', 'create', 'new-key'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(2);
    expect(result.errorLines[1]).toBe(
      `kmskit: cannot create key 'new-key': the builtin KMS has only its static key 'kmskit-default-key' and cannot create keys; use a KES or MinIO KMS connector to manage keys; kmskit reads that key from key file ${env.KMSKIT_CONFIG_DIR}/builtin.key (kms:NotSupported)`,
    );
  });

  it('key delete names the variable', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['key', 'delete', 'my-key'], env);

    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(
      /; kmskit reads that key from MINIO_KMS_SECRET_KEY \(kms:NotSupported\)$/,
    );
  });

  it('key delete is not supported', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['key', 'delete', 'my-key'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/^kmskit: .*\(kms:NotSupported\)$/);
  });
});

describe('dek commands', () => {
  it('dek generate text output', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['dek', 'generate', '--context', 'b=b/o', '--context', 'a=x=y'], env);

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const fields: Record<string, string> = Object.fromEntries(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => [
          line.slice(0, line.indexOf(':')),
          line.slice(line.indexOf(':') + 1).trim(),
        ]),
    );
    expect(Object.keys(fields)).toEqual([
      'key',
      'version',
      'context',
      'plaintext',
      'ciphertext',
      'plaintext sha256',
    ]);
    expect(fields.key).toBe('my-key');
    expect(fields.version).toBe('0');
    expect(fields.context).toBe('{"a":"x=y","b":"b/o"}');
    expect(Buffer.from(String(fields.plaintext), 'base64')).toHaveLength(32);
    expect(Buffer.from(String(fields.ciphertext), 'base64')).toHaveLength(76);
    expect(fields['plaintext sha256']).toBe(
      createHash('sha256')
        .update(Buffer.from(String(fields.plaintext), 'base64'))
        .digest('hex'),
    );
  });

  it('dek generate and decrypt round trip', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const generated = await run(
      ['dek', 'generate', 'my-key', '--context-json', '{"bucket":"bucket/object"}', '--json'],
      env,
    );
    const key = generated.json();

    expect(generated.status).toBe(0);
    expect(key.keyId).toBe('my-key');
    expect(key.version).toBe(0);
    expect(key.context).toEqual({ bucket: 'bucket/object' });
    expect(key.plaintext).toMatch(BASE64);
    expect(key.ciphertext).toMatch(BASE64);

    const text = await run(
      ['dek', 'decrypt', 'my-key', key.ciphertext, '--context', 'bucket=bucket/object'],
      env,
    );
    expect(text.status).toBe(0);
    expect(text.stdout).toBe(
      `decrypted a 32-byte data key with key 'my-key'\nplaintext sha256: ${key.plaintextSha256}\n`,
    );
    expect(text.stdout).not.toContain(key.plaintext);

    const json = await run(
      [
        'dek',
        'decrypt',
        'my-key',
        key.ciphertext,
        '--context-json',
        '{"bucket":"bucket/object"}',
        '--json',
      ],
      env,
    );
    expect(json.json()).toEqual({
      keyId: 'my-key',
      length: 32,
      plaintextSha256: key.plaintextSha256,
      context: { bucket: 'bucket/object' },
    });
  });

  it('dek decrypt of a MinIO data key', async () => {
    // A legacy ChaCha20-Poly1305 data key from MinIO's internal/kms tests, context {"key":"value"}.
    const ciphertext =
      'eyJhZWFkIjoiQ2hhQ2hhMjBQb2x5MTMwNSIsIml2IjoicjQreWZpVmJWSVlSMFoySTlGcSs2Zz09Iiwibm9uY2UiOiIyWXB3R3dFNTlHY1ZyYUkzIiwiYnl0ZXMiOiJrL3N2TWdsT1U3L0tnd3Y3M2hlRzM4TldXNTc1WExjRnAzU2F4UUhETWpKR1l5UkkzRml5Z3UyT2V1dEdQWE5MIn0=';
    const plaintext = Buffer.from('UnPWsZgVI+T4L9WGNzFlP1PsP1Z6hn2Fx8ISeZfDGnA=', 'base64');
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });

    const result = await run(
      ['dek', 'decrypt', 'my-key', ciphertext, '--context', 'key=value', '--json'],
      env,
    );

    expect(result.status).toBe(0);
    expect(result.json().plaintextSha256).toBe(
      createHash('sha256').update(plaintext).digest('hex'),
    );
  });

  it('dek decrypt with a wrong context', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const key = (await run(['dek', 'generate', '--context', 'a=b', '--json'], env)).json();

    const result = await run(['dek', 'decrypt', 'my-key', key.ciphertext, '--context', 'a=c'], env);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/^kmskit: .*\(kms:InvalidCiphertextException\)$/);
  });

  it('dek decrypt with an unknown key', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const key = (await run(['dek', 'generate', '--json'], env)).json();

    const result = await run(['dek', 'decrypt', 'other-key', key.ciphertext], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/^kmskit: .*'other-key'.*\(kms:KeyNotFound\)$/);
  });

  it('dek generate with an unknown key', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['dek', 'generate', 'other-key', '--json'], env);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.errorLines[0]).toMatch(/\(kms:KeyNotFound\)$/);
  });
});

describe('status and version', () => {
  it('status text output', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['status'], env);

    expect(result.status).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('kms:         builtin (MINIO_KMS_SECRET_KEY)');
    expect(lines[1]).toBe('default key: my-key');
    expect(lines[2]).toBe('version:     v1');
    expect(lines[3]).toMatch(/^endpoint: {4}127\.0\.0\.1 online/);
    expect(lines).toContain('metrics:     status: 1 success, 0 error, 0 failure');
    expect(lines.at(-1)).toMatch(
      /^minio: {7}\{"kms_req_success":2,"kms_req_error":0,"kms_req_failure":0,/,
    );
  });

  it('status json output', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const status = (await run(['status', '--json'], env)).json();

    expect(status.type).toBe('builtin');
    expect(status.source).toBe('MINIO_KMS_SECRET_KEY');
    expect(status.defaultKeyId).toBe('my-key');
    expect(status.version.version).toBe('v1');
    expect(status.endpoints).toHaveLength(1);
    expect(status.endpoints[0].state).toBe('online');
    expect(status.metrics.operations.status.success).toBe(1);
    expect(status.metrics.minio.kms_req_success).toBe(2);
    expect(Object.keys(status.metrics.minio.kms_resp_time)).toHaveLength(10);
  });

  it('version text and json', async () => {
    const env = await isolatedEnv();
    const text = await run(['version'], env);
    const flag = await run(['--version'], env);
    const json = await run(['version', '--json'], env);

    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    );

    expect(text.stdout).toBe(`kmskit ${version} (node ${process.version})\n`);
    expect(flag.stdout).toBe(text.stdout);
    expect(json.json()).toEqual({ kmskit: version, node: process.version });
    expect(text.stderr).toBe('');
    expect(existsSync(env.KMSKIT_CONFIG_DIR!)).toBe(false);
  });
});
