import { join } from 'node:path';
import {
  type KesTestServer,
  type MinkmsTestServer,
  startKesServer,
  startMinkmsServer,
} from '@kmskit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, run, temporaryDirectory } from './helpers.js';

const KES_API_KEY = 'kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc';

describe('configuration errors name variables', () => {
  it('invalid KES API key', async () => {
    const env = await isolatedEnv({
      MINIO_KMS_KES_ENDPOINT: 'https://127.0.0.1:1',
      MINIO_KMS_KES_KEY_NAME: 'k',
      MINIO_KMS_KES_API_KEY: 'bad',
    });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(
      /^kmskit: invalid KMS configuration: MINIO_KMS_KES_API_KEY: invalid KES API key: /,
    );
    expect(result.errorLines[0]).not.toContain('apiKey');
  });

  it('missing KES CA file', async () => {
    const missing = join(await temporaryDirectory(), 'ca.pem');
    const env = await isolatedEnv({
      MINIO_KMS_KES_ENDPOINT: 'https://127.0.0.1:1',
      MINIO_KMS_KES_KEY_NAME: 'k',
      MINIO_KMS_KES_API_KEY: KES_API_KEY,
      MINIO_KMS_KES_CAPATH: missing,
    });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: invalid KMS configuration: MINIO_KMS_KES_CAPATH ${JSON.stringify(missing)} cannot be read: ENOENT; check the path and its permissions`,
    ]);
  });

  it('missing KES certificate file', async () => {
    const directory = await temporaryDirectory();
    const env = await isolatedEnv({
      MINIO_KMS_KES_ENDPOINT: 'https://127.0.0.1:1',
      MINIO_KMS_KES_KEY_NAME: 'k',
      MINIO_KMS_KES_CERT_FILE: join(directory, 'client.crt'),
      MINIO_KMS_KES_KEY_FILE: join(directory, 'client.key'),
    });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(
      /^kmskit: invalid KMS configuration: MINIO_KMS_KES_CERT_FILE ".*client\.crt" cannot be read: ENOENT/,
    );
  });

  it('missing MinKMS CA file', async () => {
    const missing = join(await temporaryDirectory(), 'ca.pem');
    const env = await isolatedEnv({
      MINIO_KMS_SERVER: '127.0.0.1:1',
      MINIO_KMS_ENCLAVE: 'e',
      MINIO_KMS_API_KEY: 'k1:d7cY_5k8HbBGkZpoy2hGmvkxg83QDBXsA_nFXDfTk2E',
      MINIO_KMS_SSE_KEY: 'k',
      KMSKIT_MINKMS_CAPATH: missing,
    });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(
      /^kmskit: invalid KMS configuration: KMSKIT_MINKMS_CAPATH: cannot read the MinKMS CA path /,
    );
  });
});

describe('TLS trust errors', () => {
  let kes: KesTestServer;
  let minkms: MinkmsTestServer;
  beforeAll(async () => {
    [kes, minkms] = await Promise.all([startKesServer(), startMinkmsServer()]);
  });
  afterAll(async () => {
    await Promise.all([kes?.close(), minkms?.close()]);
  });

  it('KES hint names MINIO_KMS_KES_CAPATH', async () => {
    const env = await isolatedEnv({
      MINIO_KMS_KES_ENDPOINT: kes.endpoints[0],
      MINIO_KMS_KES_KEY_NAME: 'k',
      MINIO_KMS_KES_API_KEY: kes.apiKey,
    });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/`caPath`.*\(kms:TLSError\)/);
    expect(result.errorLines[0]).toMatch(
      /\(kms:TLSError\); for kmskit, set MINIO_KMS_KES_CAPATH to the CA certificate file \(PEM\) of the server$/,
    );
  });

  it('MinKMS hint names KMSKIT_MINKMS_CAPATH', async () => {
    const env = await isolatedEnv({
      MINIO_KMS_SERVER: minkms.endpoints[0],
      MINIO_KMS_ENCLAVE: minkms.enclave,
      MINIO_KMS_API_KEY: minkms.apiKey,
      MINIO_KMS_SSE_KEY: 'k',
    });
    const result = await run(['key', 'list'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(
      /\(kms:TLSError\); for kmskit, set KMSKIT_MINKMS_CAPATH to the CA certificate file \(PEM\) of the server$/,
    );
  });
});
