import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnectorRegistry, KmsConfigurationError } from '@kmskit/core';
import { type KesTestServer, startKesServer } from '@kmskit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kesConnector, kesOptionsFromEnv } from '../src/index.js';

const API_KEY = 'kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc';
const BASE = { MINIO_KMS_KES_ENDPOINT: 'https://kes:7373', MINIO_KMS_KES_KEY_NAME: 'minio-key' };

function failure(env: Record<string, string>): KmsConfigurationError {
  try {
    kesOptionsFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(KmsConfigurationError);
    return error as KmsConfigurationError;
  }
  throw new Error('expected a configuration error');
}

describe('kesOptionsFromEnv', () => {
  it('reads an API key setup', () => {
    expect(
      kesOptionsFromEnv({ ...BASE, MINIO_KMS_KES_API_KEY: API_KEY, MINIO_KMS_KES_CAPATH: '/ca' }),
    ).toEqual({
      endpoints: ['https://kes:7373'],
      defaultKeyId: 'minio-key',
      apiKey: API_KEY,
      caPath: '/ca',
    });
  });

  it('reads a certificate setup', () => {
    expect(
      kesOptionsFromEnv({
        ...BASE,
        MINIO_KMS_KES_CERT_FILE: '/c.crt',
        MINIO_KMS_KES_KEY_FILE: '/c.key',
        MINIO_KMS_KES_KEY_PASSWORD: 'pw',
      }),
    ).toEqual({
      endpoints: ['https://kes:7373'],
      defaultKeyId: 'minio-key',
      certFile: '/c.crt',
      keyFile: '/c.key',
      keyPassword: 'pw',
    });
  });

  it('expands endpoint ellipses', () => {
    const options = kesOptionsFromEnv({
      ...BASE,
      MINIO_KMS_KES_ENDPOINT: 'https://kes{1...3}.example.net:7373,https://other:7373',
      MINIO_KMS_KES_API_KEY: API_KEY,
    });
    expect(options.endpoints).toEqual([
      'https://kes1.example.net:7373',
      'https://kes2.example.net:7373',
      'https://kes3.example.net:7373',
      'https://other:7373',
    ]);
  });

  it('requires the endpoint', () => {
    const error = failure({ MINIO_KMS_KES_KEY_NAME: 'k', MINIO_KMS_KES_API_KEY: API_KEY });
    expect(error.variables).toEqual(['MINIO_KMS_KES_ENDPOINT']);
    expect(
      failure({ ...BASE, MINIO_KMS_KES_ENDPOINT: ' , ', MINIO_KMS_KES_API_KEY: API_KEY }).message,
    ).toMatch(/is empty/);
  });

  it('requires the key name', () => {
    const error = failure({
      MINIO_KMS_KES_ENDPOINT: 'https://kes:7373',
      MINIO_KMS_KES_API_KEY: API_KEY,
    });
    expect(error.variables).toEqual(['MINIO_KMS_KES_KEY_NAME']);
  });

  it('requires an authentication method', () => {
    expect(failure(BASE).message).toMatch(/missing authentication method/);
  });

  it('keeps the API key exclusive', () => {
    for (const variable of [
      'MINIO_KMS_KES_CERT_FILE',
      'MINIO_KMS_KES_KEY_FILE',
      'MINIO_KMS_KES_KEY_PASSWORD',
    ]) {
      const error = failure({ ...BASE, MINIO_KMS_KES_API_KEY: API_KEY, [variable]: '/x' });
      expect(error.variables).toEqual(['MINIO_KMS_KES_API_KEY', variable]);
      expect(error.message).not.toContain(API_KEY.slice(7));
    }
  });

  it('requires both certificate files', () => {
    expect(failure({ ...BASE, MINIO_KMS_KES_CERT_FILE: '/c' }).variables).toEqual([
      'MINIO_KMS_KES_KEY_FILE',
    ]);
    expect(failure({ ...BASE, MINIO_KMS_KES_KEY_FILE: '/k' }).variables).toEqual([
      'MINIO_KMS_KES_CERT_FILE',
    ]);
    expect(failure({ ...BASE, MINIO_KMS_KES_KEY_PASSWORD: 'pw' }).variables).toEqual([
      'MINIO_KMS_KES_CERT_FILE',
    ]);
  });
});

describe('kesOptionsFromEnv values', () => {
  const BAD_API_KEY = 'kes:v1:not-base64!';

  it('names the API key variable', () => {
    const error = failure({ ...BASE, MINIO_KMS_KES_API_KEY: BAD_API_KEY });
    expect(error.variables).toEqual(['MINIO_KMS_KES_API_KEY']);
    expect(error.message).toMatch(/^MINIO_KMS_KES_API_KEY: invalid KES API key: /);
    expect(error.message).not.toContain('option');
    expect(error.message).not.toContain('not-base64');
  });

  it('rejects a short API key', () => {
    const error = failure({ ...BASE, MINIO_KMS_KES_API_KEY: API_KEY.slice(0, -4) });
    expect(error.variables).toEqual(['MINIO_KMS_KES_API_KEY']);
    expect(error.message).toMatch(/decodes to \d+ bytes, expected 33/);
  });

  it('names the endpoint variable', () => {
    const error = failure({
      ...BASE,
      MINIO_KMS_KES_ENDPOINT: 'http://kes:7373',
      MINIO_KMS_KES_API_KEY: API_KEY,
    });
    expect(error.variables).toEqual(['MINIO_KMS_KES_ENDPOINT']);
    expect(error.message).toBe(
      'MINIO_KMS_KES_ENDPOINT: invalid endpoint "http://kes:7373": KES requires https, got http',
    );
  });

  it('rejects a repeated endpoint', () => {
    const error = failure({
      ...BASE,
      MINIO_KMS_KES_ENDPOINT: 'https://kes:7373,https://kes:7373/',
      MINIO_KMS_KES_API_KEY: API_KEY,
    });
    expect(error.variables).toEqual(['MINIO_KMS_KES_ENDPOINT']);
    expect(error.message).toMatch(/lists https:\/\/kes:7373 twice/);
  });

  it('names the key name variable', () => {
    const error = failure({
      ...BASE,
      MINIO_KMS_KES_KEY_NAME: 'my key',
      MINIO_KMS_KES_API_KEY: API_KEY,
    });
    expect(error.variables).toEqual(['MINIO_KMS_KES_KEY_NAME']);
    expect(error.message).toMatch(/^MINIO_KMS_KES_KEY_NAME "my key" is not a valid KES key name/);
  });

  it('registry reports the variable', async () => {
    const registry = createConnectorRegistry().register(kesConnector);
    const error = await registry
      .createFromEnv({ ...BASE, MINIO_KMS_KES_API_KEY: BAD_API_KEY })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(error).toBeInstanceOf(KmsConfigurationError);
    expect((error as KmsConfigurationError).variables).toEqual(['MINIO_KMS_KES_API_KEY']);
    expect((error as Error).message).toMatch(/^MINIO_KMS_KES_API_KEY: /);
  });
});

describe('registry from the environment', () => {
  let server: KesTestServer;
  let directory: string;
  beforeAll(async () => {
    server = await startKesServer();
    directory = mkdtempSync(join(tmpdir(), 'kmskit-kes-env-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('connects with certificate files', async () => {
    const file = (name: string, text: string) => {
      writeFileSync(join(directory, name), text);
      return join(directory, name);
    };
    const kms = await createConnectorRegistry()
      .register(kesConnector)
      .createFromEnv({
        MINIO_KMS_KES_ENDPOINT: server.endpoints.join(','),
        MINIO_KMS_KES_KEY_NAME: 'env-key',
        MINIO_KMS_KES_CERT_FILE: file('client.crt', server.admin.cert),
        MINIO_KMS_KES_KEY_FILE: file('client.key', server.admin.key),
        MINIO_KMS_KES_CAPATH: file('ca.pem', server.ca),
      });
    expect(kms.type).toBe('kes');
    expect(kms.defaultKeyId).toBe('env-key');
    await kms.createKey({ name: 'env-key' });
    const key = await kms.generateKey();
    expect(await kms.decrypt({ name: 'env-key', ciphertext: key.ciphertext })).toEqual(
      key.plaintext,
    );
    await kms.close();
  });

  it('connects with an API key file', async () => {
    writeFileSync(join(directory, 'api-key'), `${server.apiKey}\n`);
    const kms = await createConnectorRegistry()
      .register(kesConnector)
      .createFromEnv({
        MINIO_KMS_KES_ENDPOINT: server.endpoints[0],
        MINIO_KMS_KES_KEY_NAME: 'env-key',
        MINIO_KMS_KES_API_KEY_FILE: join(directory, 'api-key'),
        MINIO_KMS_KES_CAPATH: join(directory, 'ca.pem'),
      });
    expect((await kms.status()).endpoints[0]?.state).toBe('online');
    await kms.close();
  });
});
