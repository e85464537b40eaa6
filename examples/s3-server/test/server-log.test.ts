import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { type Connector, createKMS } from '@kmskit/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { S3ServerLogEntry } from '../src/index.js';
import {
  createClient,
  customerKey,
  expectS3Error,
  KEY_NAME,
  keyMd5,
  ssec,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { errorCode, sendRaw } from './raw-request.js';

const BUCKET = 'logged';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Starts a server that records its log entries. */
async function startLogged(
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<{ server: TestServer; entries: S3ServerLogEntry[] }> {
  const entries: S3ServerLogEntry[] = [];
  t = await startTestServer({ ...options, log: (entry) => entries.push(entry) });
  return { server: t, entries };
}

/** A builtin connector whose `generateKey` fails with a plain error, as a broken back end would. */
function failingConnector(): Connector {
  const inner = createBuiltinConnector({
    secretKey: `${KEY_NAME}:${randomBytes(32).toString('base64')}`,
  });
  return {
    specificationVersion: 'v1',
    type: 'failing',
    capabilities: inner.capabilities,
    defaultKeyId: inner.defaultKeyId,
    createKey: (request, options) => inner.createKey(request, options),
    deleteKey: (request, options) => inner.deleteKey(request, options),
    listKeys: (request, options) => inner.listKeys(request, options),
    generateKey: async () => {
      throw new Error('back end unreachable');
    },
    decrypt: (request, options) => inner.decrypt(request, options),
    mac: (request, options) => inner.mac(request, options),
    version: (options) => inner.version(options),
    status: (options) => inner.status(options),
  };
}

describe('server log', () => {
  it('logs start and stop', async () => {
    const { server, entries } = await startLogged();
    await server.server.close();

    expect(entries.map((entry) => entry.level)).toEqual(['info', 'info']);
    expect(entries[0]!.message).toBe(
      `S3 server listening on ${server.server.endpoint}, data in ${server.dataDir}`,
    );
    expect(entries[1]!.message).toBe(`S3 server on ${server.server.endpoint} stopped`);
  });

  it('skips successful requests', async () => {
    const { server, entries } = await startLogged();
    await server.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await server.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a', Body: 'x' }));

    expect(entries.filter((entry) => entry.level !== 'info')).toEqual([]);
  });

  it('logs a missing key', async () => {
    const { server, entries } = await startLogged();
    await server.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await expectS3Error(
      server.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'no/such key' })),
      'NoSuchKey',
      404,
    );

    const failures = entries.filter((entry) => entry.level !== 'info');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toEqual({
      level: 'warn',
      message: `GET /${BUCKET}/no/such%20key 404 NoSuchKey`,
      requestId: expect.stringMatching(/^[0-9A-F]{16}$/),
      method: 'GET',
      path: `/${BUCKET}/no/such%20key`,
      status: 404,
      code: 'NoSuchKey',
    });
  });

  it('logs a HEAD failure', async () => {
    const { server, entries } = await startLogged();
    await server.client
      .send(new HeadObjectCommand({ Bucket: 'missing-bucket', Key: 'a' }))
      .catch(() => undefined);

    const failure = entries.find((entry) => entry.level === 'warn');
    expect(failure?.message).toBe('HEAD /missing-bucket/a 404 NoSuchBucket');
  });

  it('keeps SSE-C keys out', async () => {
    const { server, entries } = await startLogged();
    const rightKey = customerKey(11);
    const wrongKey = customerKey(12);
    await server.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await server.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'c', Body: 'secret', ...ssec(rightKey) }),
    );
    await expectS3Error(
      server.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'c', ...ssec(wrongKey) })),
      'AccessDenied',
      403,
    );

    const failures = entries.filter((entry) => entry.level !== 'info');
    expect(failures.map((entry) => entry.message)).toEqual([`GET /${BUCKET}/c 403 AccessDenied`]);
    const logged = JSON.stringify(entries) + inspect(entries, { depth: 10 });
    for (const key of [rightKey, wrongKey]) {
      expect(logged).not.toContain(key.toString('base64'));
      expect(logged).not.toContain(key.toString('hex'));
      expect(logged).not.toContain(keyMd5(key));
    }
    expect(logged).not.toContain(server.server.credentials.secretAccessKey);
  });

  it('logs a forged signature', async () => {
    const { server, entries } = await startLogged();
    const forger = createClient(server.server, {
      credentials: { ...server.server.credentials, secretAccessKey: 'forged-secret' },
      maxAttempts: 1,
    });
    await expectS3Error(
      forger.send(new CreateBucketCommand({ Bucket: BUCKET })),
      'SignatureDoesNotMatch',
      403,
    );
    forger.destroy();

    const failure = entries.find((entry) => entry.level === 'warn');
    expect(failure?.message).toBe(`PUT /${BUCKET}/ 403 SignatureDoesNotMatch`);
    expect(JSON.stringify(entries)).not.toContain('Signature=');
  });

  it('logs a malformed authorization', async () => {
    const { server, entries } = await startLogged();
    const response = await sendRaw(server.server, {
      method: 'PUT',
      path: `/${BUCKET}`,
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=nobody' },
      anonymous: true,
    });

    const failure = entries.find((entry) => entry.level === 'warn');
    expect(failure?.status).toBe(response.status);
    expect(failure?.code).toBe(errorCode(response.body));
    expect(JSON.stringify(entries)).not.toContain('Credential=nobody');
  });

  it('logs a server fault', async () => {
    const kms = createKMS({ connector: failingConnector() });
    const { server, entries } = await startLogged({ kms });
    await server.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const client = createClient(server.server, { maxAttempts: 1 });
    const error = await client
      .send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'k',
          Body: 'x',
          ServerSideEncryption: 'AES256',
        }),
      )
      .catch((caught: { $metadata: { httpStatusCode: number } }) => caught);

    client.destroy();
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(500);
    const faults = entries.filter((entry) => entry.level === 'error');
    expect(faults).toHaveLength(1);
    expect(faults[0]!.method).toBe('PUT');
    expect(faults[0]!.status).toBe(500);
    expect(faults[0]!.error).toBeInstanceOf(Error);
  });

  it('survives a throwing logger', async () => {
    t = await startTestServer({
      log: () => {
        throw new Error('logger broken');
      },
    });

    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a' })),
      'NoSuchBucket',
      404,
    );
  });
});
