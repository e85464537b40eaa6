import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnectorRegistry, KmsConfigurationError } from '@kmskit/core';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinConnector } from '../src/index.js';
import { MY_KEY, MY_KEY_BASE64, MY_KEY_HEX } from './helpers.js';

const directory = mkdtempSync(join(tmpdir(), 'kmskit-builtin-env-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function secretFile(name: string, content: string): string {
  const path = join(directory, name);
  writeFileSync(path, content, { mode: 0o600 });
  return path;
}

function keyOf(options: unknown): { keyName: string; hex: string } {
  const { keyName, key } = options as { keyName: string; key: Uint8Array };
  return { keyName, hex: Buffer.from(key).toString('hex') };
}

function configurationError(run: () => unknown): KmsConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(KmsConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).not.toContain(MY_KEY_BASE64);
    return error as KmsConfigurationError;
  }
  throw new Error('expected a KmsConfigurationError');
}

describe('builtin fromEnv', () => {
  it('reads MINIO_KMS_SECRET_KEY', () => {
    const options = builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY: MY_KEY });
    expect(keyOf(options)).toEqual({ keyName: 'my-key', hex: MY_KEY_HEX });
  });

  it('reads the key file as is', () => {
    for (const content of [
      MY_KEY,
      `${MY_KEY}\n`,
      `${MY_KEY}\r\n`,
      `my-key:${MY_KEY_BASE64.slice(0, 20)}\n${MY_KEY_BASE64.slice(20)}`,
    ]) {
      const path = secretFile('key', content);
      const options = builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY_FILE: path });
      expect(keyOf(options), JSON.stringify(content)).toEqual({
        keyName: 'my-key',
        hex: MY_KEY_HEX,
      });
    }
    // MinIO does not trim the file: a leading line break belongs to the name.
    const path = secretFile('leading', `\n${MY_KEY}`);
    expect(keyOf(builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY_FILE: path })).keyName).toBe(
      '\nmy-key',
    );
    const spaced = secretFile('spaced', `${MY_KEY} \n`);
    configurationError(() => builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY_FILE: spaced }));
  });

  it('rejects both variables set', () => {
    const path = secretFile('both', MY_KEY);
    const error = configurationError(() =>
      builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY: MY_KEY, MINIO_KMS_SECRET_KEY_FILE: path }),
    );
    expect(error.message).toMatch(/both MINIO_KMS_SECRET_KEY and MINIO_KMS_SECRET_KEY_FILE/);
    expect(error.variables).toEqual(['MINIO_KMS_SECRET_KEY', 'MINIO_KMS_SECRET_KEY_FILE']);
  });

  it('ignores empty or missing values', () => {
    const path = secretFile('only-file', MY_KEY);
    const fromFile = builtinConnector.fromEnv({
      MINIO_KMS_SECRET_KEY: '',
      MINIO_KMS_SECRET_KEY_FILE: path,
    });
    expect(keyOf(fromFile).hex).toBe(MY_KEY_HEX);
    // MinIO's container image always sets the file variable, so a path that does not exist is
    // ignored when the key itself is set.
    const fromVariable = builtinConnector.fromEnv({
      MINIO_KMS_SECRET_KEY: MY_KEY,
      MINIO_KMS_SECRET_KEY_FILE: join(directory, 'absent'),
    });
    expect(keyOf(fromVariable).hex).toBe(MY_KEY_HEX);
    const emptyFile = builtinConnector.fromEnv({
      MINIO_KMS_SECRET_KEY: MY_KEY,
      MINIO_KMS_SECRET_KEY_FILE: '',
    });
    expect(keyOf(emptyFile).hex).toBe(MY_KEY_HEX);
  });

  it('names what is missing', () => {
    const missing = configurationError(() => builtinConnector.fromEnv({}));
    expect(missing.message).toMatch(/set MINIO_KMS_SECRET_KEY/);
    const absent = configurationError(() =>
      builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY_FILE: join(directory, 'absent') }),
    );
    expect(absent.message).toMatch(/MINIO_KMS_SECRET_KEY_FILE names .*absent.*does not exist/);
    const unreadable = configurationError(() =>
      builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY_FILE: directory }),
    );
    expect(unreadable.message).toMatch(/cannot read MINIO_KMS_SECRET_KEY_FILE .*EISDIR/);
  });

  it('names the variable on bad values', () => {
    const bad = configurationError(() =>
      builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY: `my-key:${MY_KEY_BASE64.slice(0, 40)}` }),
    );
    expect(bad.message).toMatch(/^MINIO_KMS_SECRET_KEY: invalid builtin secret key named "my-key"/);
    expect(bad.variables).toEqual(['MINIO_KMS_SECRET_KEY']);
    const path = secretFile('bad', 'my-key:AAAA');
    const badFile = configurationError(() =>
      builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY_FILE: path }),
    );
    expect(badFile.message).toMatch(/^MINIO_KMS_SECRET_KEY_FILE: .*3 bytes, expected 32/);
    const unnamed = configurationError(() =>
      builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY: `:${MY_KEY_BASE64}` }),
    );
    expect(unnamed.message).toMatch(/key name before ':' is empty/);
  });

  it('names an empty key file', () => {
    for (const content of ['', '\n']) {
      const path = secretFile('empty', content);
      const error = configurationError(() =>
        builtinConnector.fromEnv({ MINIO_KMS_SECRET_KEY_FILE: path }),
      );
      expect(error.message).toBe(
        `MINIO_KMS_SECRET_KEY_FILE names ${JSON.stringify(path)}, which is empty: write '<name>:<base64 of 32 bytes>' into it`,
      );
      expect(error.variables).toEqual(['MINIO_KMS_SECRET_KEY_FILE']);
    }
  });
});

describe('builtin registry', () => {
  it('creates a KMS from the environment', async () => {
    const registry = createConnectorRegistry().register(builtinConnector);
    const kms = await registry.createFromEnv({ MINIO_KMS_SECRET_KEY: MY_KEY });
    expect(kms.type).toBe('builtin');
    expect(kms.defaultKeyId).toBe('my-key');
    const key = await kms.generateKey({ context: { bucket: 'bucket/object' } });
    const plaintext = await kms.decrypt({
      name: 'my-key',
      ciphertext: key.ciphertext,
      context: { bucket: 'bucket/object' },
    });
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
  });

  it('describes the definition', () => {
    expect(builtinConnector.type).toBe('builtin');
    expect(builtinConnector.kind).toBe('builtin');
    expect(builtinConnector.packageName).toBe('@kmskit/conn-builtin');
    expect(builtinConnector.create({ secretKey: MY_KEY }).type).toBe('builtin');
  });
});
