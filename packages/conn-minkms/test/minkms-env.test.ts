import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnectorRegistry, KmsConfigurationError } from '@kmskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MinkmsApiKey, minkmsConnector, minkmsOptionsFromEnv } from '../src/index.js';
import { startPair } from './helpers.js';

const API_KEY = 'k1:d7cY_5k8HbBGkZpoy2hGmvkxg83QDBXsA_nFXDfTk2E';
const BASE = {
  MINIO_KMS_SERVER: 'kms{1...3}.example.net:7373',
  MINIO_KMS_ENCLAVE: 'minio',
  MINIO_KMS_API_KEY: API_KEY,
  MINIO_KMS_SSE_KEY: 'minio-default-key',
};

function configurationError(env: Record<string, string | undefined>): KmsConfigurationError {
  try {
    minkmsOptionsFromEnv(env);
  } catch (error) {
    if (error instanceof KmsConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a configuration error');
}

describe('MinKMS environment', () => {
  it('reads the MinIO variables', () => {
    const options = minkmsOptionsFromEnv(BASE);
    expect(options.endpoints).toEqual([
      'kms1.example.net:7373',
      'kms2.example.net:7373',
      'kms3.example.net:7373',
    ]);
    expect(options.enclave).toBe('minio');
    expect(options.defaultKeyId).toBe('minio-default-key');
    expect(options.apiKey).toBeInstanceOf(MinkmsApiKey);
    expect(JSON.stringify(options)).not.toContain(API_KEY.slice(3));
  });

  it('reads the API key from a file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmskit-minkms-env-'));
    try {
      const file = join(directory, 'api-key');
      writeFileSync(file, `${API_KEY}\n`);
      const options = minkmsOptionsFromEnv({
        ...BASE,
        MINIO_KMS_API_KEY: undefined,
        MINIO_KMS_API_KEY_FILE: file,
      });
      expect((options.apiKey as MinkmsApiKey).identity).toBe(
        'h1:Rvxa7nj8zkL48CeDkN6LhpX-K7KK6uhIhpBOcTHNhWw',
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('reads the kmskit CA path', () => {
    expect(
      minkmsOptionsFromEnv({ ...BASE, KMSKIT_MINKMS_CAPATH: '/etc/ssl/minkms.pem' }).caPath,
    ).toBe('/etc/ssl/minkms.pem');
  });

  it('accepts empty enclave and default key', () => {
    const options = minkmsOptionsFromEnv({ ...BASE, MINIO_KMS_ENCLAVE: '', MINIO_KMS_SSE_KEY: '' });
    expect(options.enclave).toBe('');
    expect(options.defaultKeyId).toBeUndefined();
  });

  it('names the missing variable', () => {
    for (const variable of Object.keys(BASE)) {
      const error = configurationError({ ...BASE, [variable]: undefined });
      expect(error.variables).toContain(variable);
      expect(error.message).toContain(variable);
    }
  });

  it('rejects invalid values without secrets', () => {
    const cases: Array<[string, string]> = [
      ['MINIO_KMS_SERVER', ''],
      ['MINIO_KMS_SERVER', 'https://kms:7373/path'],
      ['MINIO_KMS_SERVER', 'kms{3...1}:7373'],
      ['MINIO_KMS_ENCLAVE', 'a/b'],
      ['MINIO_KMS_SSE_KEY', 'my key'],
      ['MINIO_KMS_API_KEY', `${API_KEY}AA`],
    ];
    for (const [variable, value] of cases) {
      const error = configurationError({ ...BASE, [variable]: value });
      expect(error.message, `${variable}=${value}`).toContain(variable);
      expect(error.message).not.toContain(API_KEY.slice(3));
    }
  });
});

describe('MinKMS registry definition', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  let directory: string;
  let caPath: string;
  beforeAll(async () => {
    pair = await startPair({ keys: ['minio-default-key'] });
    directory = mkdtempSync(join(tmpdir(), 'kmskit-minkms-reg-'));
    caPath = join(directory, 'ca.pem');
    writeFileSync(caPath, pair.server.ca);
  });
  afterAll(async () => {
    rmSync(directory, { recursive: true, force: true });
    await pair.close();
  });

  it('creates a working KMS from the environment', async () => {
    const registry = createConnectorRegistry().register(minkmsConnector);
    const kms = await registry.createFromEnv({
      MINIO_KMS_SERVER: pair.server.endpoints.join(','),
      MINIO_KMS_ENCLAVE: pair.server.enclave,
      MINIO_KMS_API_KEY: pair.server.apiKey,
      MINIO_KMS_SSE_KEY: 'minio-default-key',
      KMSKIT_MINKMS_CAPATH: caPath,
    });
    const key = await kms.generateKey({ context: { bucket: 'b/o' } });
    await kms.close();
    expect(kms.type).toBe('minkms');
    expect(key.keyId).toBe('minio-default-key');
    expect(minkmsConnector.kind).toBe('minkms');
    expect(minkmsConnector.packageName).toBe('@kmskit/conn-minkms');
  });
});
