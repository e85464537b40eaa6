import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client, type S3ClientConfig, S3ServiceException } from '@aws-sdk/client-s3';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS, type KMS } from '@kmskit/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { expect } from 'vitest';
import { type S3Server, type S3ServerOptions, startS3Server } from '../src/index.js';

/** The builtin KMS key name of the tests; any other SSE-KMS key name does not exist. */
export const KEY_NAME = 'my-key';

/** Creates a builtin KMS whose only key is `KEY_NAME`, with a fresh random secret. */
export function builtinKms(secretKey = `${KEY_NAME}:${randomBytes(32).toString('base64')}`): KMS {
  return createKMS({ connector: createBuiltinConnector({ secretKey }) });
}

/** A server on a fresh data directory, with a client for it. */
export interface TestServer {
  server: S3Server;
  client: S3Client;
  dataDir: string;
  close(): Promise<void>;
}

/** Starts a server with a builtin KMS (unless `kms` is given) on a temporary data directory. */
export async function startTestServer(options: Partial<S3ServerOptions> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kmskit-s3-'));
  const server = await startS3Server({ kms: builtinKms(), ...options, dataDir });
  const client = createClient(server);
  return {
    server,
    client,
    dataDir,
    close: async () => {
      client.destroy();
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates an AWS SDK client for the server that trusts its test CA. */
export function createClient(server: S3Server, overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: server.credentials,
    requestHandler: new NodeHttpHandler({
      httpsAgent: new Agent({ ca: server.ca, keepAlive: true }),
    }),
    ...overrides,
  });
}

/** Deterministic test data: a xorshift stream from `seed`, so different objects differ. */
export function testBytes(size: number, seed = 1): Buffer {
  const bytes = Buffer.alloc(size);
  let state = (seed * 2_654_435_761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/** Derives a 32-byte SSE-C key from a seed. */
export function customerKey(seed: number): Buffer {
  return createHash('sha256').update(`customer key ${seed}`).digest();
}

/** Returns the SDK's SSE-C parameters for a key (the SDK computes the key MD5 itself). */
export function ssec(key: Buffer) {
  return { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key as unknown as string };
}

/** Returns the SDK's copy-source SSE-C parameters for a key. */
export function copySourceSsec(key: Buffer) {
  return {
    CopySourceSSECustomerAlgorithm: 'AES256',
    CopySourceSSECustomerKey: key as unknown as string,
  };
}

/** Base64 of the MD5 of a key, as `x-amz-server-side-encryption-customer-key-md5` carries it. */
export function keyMd5(key: Buffer): string {
  return createHash('md5').update(key).digest('base64');
}

/** Hex MD5 of data. */
export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Awaits a failing SDK call and checks its S3 error code and HTTP status. */
export async function expectS3Error(
  call: Promise<unknown>,
  code: string,
  status: number,
): Promise<S3ServiceException> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(S3ServiceException);
  const s3 = error as S3ServiceException;
  expect(s3.name, s3.message).toBe(code);
  expect(s3.$metadata.httpStatusCode).toBe(status);
  return s3;
}
