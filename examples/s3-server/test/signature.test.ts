import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, expectS3Error, startTestServer, type TestServer } from './helpers.js';
import { errorCode, sendRaw } from './raw-request.js';

const BUCKET = 'signed';
const MINUTE = 60 * 1000;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(() => t.close());

function crc32Base64(data: Buffer): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(crc32(data));
  return bytes.toString('base64');
}

describe('signature checks', () => {
  it('rejects a forged signature', async () => {
    const forger = createClient(t.server, {
      credentials: { ...t.server.credentials, secretAccessKey: 'not-the-secret' },
    });
    await expectS3Error(
      forger.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'forged', Body: 'x' })),
      'SignatureDoesNotMatch',
      403,
    );
    forger.destroy();
  });

  it('rejects an unknown access key', async () => {
    const stranger = createClient(t.server, {
      credentials: { accessKeyId: 'AKSTRANGER', secretAccessKey: 'x' },
    });
    await expectS3Error(
      stranger.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'x' })),
      'InvalidAccessKeyId',
      403,
    );
    stranger.destroy();
  });

  it.each([
    ['in the past', -16 * MINUTE],
    ['in the future', 16 * MINUTE],
  ])('rejects a date %s', async (_name, offset) => {
    const skewed = createClient(t.server, { systemClockOffset: offset, maxAttempts: 1 });
    await expectS3Error(
      skewed.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'stale', Body: 'x' })),
      'RequestTimeTooSkewed',
      403,
    );
    skewed.destroy();
  });

  it('accepts a date within 15 minutes', async () => {
    const skewed = createClient(t.server, { systemClockOffset: -10 * MINUTE, maxAttempts: 1 });
    const head = await skewed.send(new HeadBucketCommand({ Bucket: BUCKET }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    skewed.destroy();
  });

  it('rejects a path changed after signing', async () => {
    t.client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { path: string };
        request.path = request.path.replace('/original', '/changed');
        return next(args);
      },
      { step: 'deserialize', name: 'changePath' },
    );
    try {
      await expectS3Error(
        t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'original', Body: 'x' })),
        'SignatureDoesNotMatch',
        403,
      );
    } finally {
      t.client.middlewareStack.remove('changePath');
    }
  });

  it('rejects anonymous requests', async () => {
    const response = await sendRaw(t.server, {
      method: 'GET',
      path: `/${BUCKET}/x`,
      anonymous: true,
    });
    expect(response.status).toBe(403);
    expect(errorCode(response.body)).toBe('AccessDenied');
  });
});

describe('payload checks', () => {
  it('rejects a body that differs from its hash', async () => {
    const response = await sendRaw(t.server, {
      method: 'PUT',
      path: `/${BUCKET}/tampered`,
      headers: {
        'content-length': '5',
        'x-amz-content-sha256': createHash('sha256').update('hello').digest('hex'),
      },
      body: Buffer.from('world'),
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('XAmzContentSHA256Mismatch');
  });

  it('rejects a wrong CRC32 header', async () => {
    const response = await sendRaw(t.server, {
      method: 'PUT',
      path: `/${BUCKET}/bad-crc`,
      headers: {
        'content-length': '5',
        'x-amz-checksum-crc32': crc32Base64(Buffer.from('other')),
      },
      body: Buffer.from('hello'),
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('BadDigest');
  });

  it('rejects a wrong CRC32 trailer', async () => {
    const body = Buffer.from(
      `5\r\nhello\r\n0\r\nx-amz-checksum-crc32:${crc32Base64(Buffer.from('other'))}\r\n\r\n`,
    );
    const response = await sendRaw(t.server, {
      method: 'PUT',
      path: `/${BUCKET}/bad-trailer`,
      headers: {
        'content-encoding': 'aws-chunked',
        'content-length': String(body.length),
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': '5',
        'x-amz-trailer': 'x-amz-checksum-crc32',
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('BadDigest');
  });

  it('rejects an unverifiable checksum', async () => {
    const response = await sendRaw(t.server, {
      method: 'PUT',
      path: `/${BUCKET}/crc64`,
      headers: { 'content-length': '5', 'x-amz-checksum-crc64nvme': 'AAAAAAAAAAA=' },
      body: Buffer.from('hello'),
    });
    expect(response.status).toBe(501);
    expect(errorCode(response.body)).toBe('NotImplemented');
  });

  it('rejects a truncated aws-chunked body', async () => {
    const body = Buffer.from('5\r\nhello\r\n');
    const response = await sendRaw(t.server, {
      method: 'PUT',
      path: `/${BUCKET}/truncated`,
      headers: {
        'content-encoding': 'aws-chunked',
        'content-length': String(body.length),
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-decoded-content-length': '5',
      },
      body,
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('IncompleteBody');
  });

  it('accepts an unsigned payload', async () => {
    const response = await sendRaw(t.server, {
      method: 'PUT',
      path: `/${BUCKET}/unsigned`,
      headers: {
        'content-length': '5',
        'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-amz-server-side-encryption': 'AES256',
      },
      body: Buffer.from('hello'),
    });
    expect(response.status).toBe(200);
    expect(response.headers['x-amz-server-side-encryption']).toBe('AES256');
    const get = await t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'unsigned' }));
    expect(await get.Body!.transformToString()).toBe('hello');
  });

  it('keeps nothing of a rejected body', async () => {
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tampered' })),
      'NoSuchKey',
      404,
    );
  });
});
