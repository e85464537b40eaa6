import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
  HeadObjectCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { encryptedSize } from '@kmskit/s3-sse-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ObjectRecord, storedObjectPaths } from '../src/index.js';
import {
  customerKey,
  expectS3Error,
  KEY_NAME,
  keyMd5,
  md5Hex,
  ssec,
  startTestServer,
  type TestServer,
  testBytes,
} from './helpers.js';

const BUCKET = 'photos';
const SIZE = 300_000;
const KEY = customerKey(1);
const CONTEXT = Buffer.from(JSON.stringify({ project: 'x' })).toString('base64');

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(() => t.close());

async function readRecord(key: string): Promise<ObjectRecord> {
  const { metadataFile } = storedObjectPaths(t.dataDir, BUCKET, key);
  return JSON.parse(await readFile(metadataFile, 'utf8')) as ObjectRecord;
}

async function readStored(record: ObjectRecord): Promise<Buffer> {
  const { objectsDirectory } = storedObjectPaths(t.dataDir, BUCKET, record.key);
  return readFile(join(objectsDirectory, record.dataFile));
}

async function getBytes(input: GetObjectCommandInput) {
  const output = await t.client.send(new GetObjectCommand(input));
  return { output, bytes: Buffer.from(await output.Body!.transformToByteArray()) };
}

const TYPES: Array<{
  type: string;
  put: Partial<PutObjectCommandInput>;
  get: Partial<GetObjectCommandInput>;
  sealedKey: string;
}> = [
  {
    type: 'SSE-S3',
    put: { ServerSideEncryption: 'AES256' },
    get: {},
    sealedKey: 'X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key',
  },
  {
    type: 'SSE-KMS',
    put: {
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_NAME,
      SSEKMSEncryptionContext: CONTEXT,
    },
    get: {},
    sealedKey: 'X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key',
  },
  {
    type: 'SSE-C',
    put: ssec(KEY),
    get: ssec(KEY),
    sealedKey: 'X-Minio-Internal-Server-Side-Encryption-Sealed-Key',
  },
];

describe.each(TYPES)('$type object', ({ type, put, get, sealedKey }) => {
  const key = `${type}/a b+c.bin`;
  const content = testBytes(SIZE, type.length);

  beforeAll(async () => {
    await t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: content, ...put }));
  });

  it('stores ciphertext on disk', async () => {
    const record = await readRecord(key);
    expect(record.internal[sealedKey]).toHaveLength(88);
    expect(record.size).toBe(encryptedSize(SIZE));
    const stored = await readStored(record);
    expect(stored.length).toBe(encryptedSize(SIZE));
    expect(stored.includes(content.subarray(1000, 1032))).toBe(false);
  });

  it('reads the full object', async () => {
    const { output, bytes } = await getBytes({ Bucket: BUCKET, Key: key, ...get });
    expect(bytes.equals(content)).toBe(true);
    expect(output.ContentLength).toBe(SIZE);
    expect(output.ContentRange).toBeUndefined();
  });

  it.each([
    ['inside a package', 'bytes=10-99', 10, 99],
    ['across a package boundary', 'bytes=65500-65600', 65_500, 65_600],
    ['across two boundaries', 'bytes=65535-131072', 65_535, 131_072],
    ['as a suffix', 'bytes=-10', SIZE - 10, SIZE - 1],
    ['to the end', 'bytes=299990-', 299_990, SIZE - 1],
  ])('reads a range %s', async (_name, range, first, last) => {
    const { output, bytes } = await getBytes({ Bucket: BUCKET, Key: key, Range: range, ...get });
    expect(output.$metadata.httpStatusCode).toBe(206);
    expect(output.ContentRange).toBe(`bytes ${first}-${last}/${SIZE}`);
    expect(output.ContentLength).toBe(last - first + 1);
    expect(bytes.equals(content.subarray(first, last + 1))).toBe(true);
  });

  it('rejects an unsatisfiable range', async () => {
    await expectS3Error(
      t.client.send(
        new GetObjectCommand({ Bucket: BUCKET, Key: key, Range: `bytes=${SIZE}-`, ...get }),
      ),
      'InvalidRange',
      416,
    );
  });

  it('answers HEAD with the plaintext size', async () => {
    const head = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ...get }));
    expect(head.ContentLength).toBe(SIZE);
  });
});

describe('response headers', () => {
  it('SSE-S3 shows the content MD5', async () => {
    const content = testBytes(1000, 7);
    const put = await t.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 's3-etag',
        Body: content,
        ServerSideEncryption: 'AES256',
      }),
    );
    expect(put.ServerSideEncryption).toBe('AES256');
    expect(put.ETag).toBe(`"${md5Hex(content)}"`);
    const head = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 's3-etag' }));
    expect(head.ServerSideEncryption).toBe('AES256');
    expect(head.ETag).toBe(put.ETag);
    expect((await readRecord('s3-etag')).etag).toHaveLength(96);
  });

  it('SSE-KMS echoes key and context', async () => {
    const put = await t.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'kms-headers', Body: 'x', ...TYPES[1]!.put }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe(`arn:aws:kms:${KEY_NAME}`);
    expect(put.SSEKMSEncryptionContext).toBe(CONTEXT);
    expect(put.ETag).not.toBe(`"${md5Hex(Buffer.from('x'))}"`);
    const get = await t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kms-headers' }));
    expect(get.ServerSideEncryption).toBe('aws:kms');
    expect(get.SSEKMSKeyId).toBe(`arn:aws:kms:${KEY_NAME}`);
    expect(get.ETag).toBe(put.ETag);
    await get.Body!.transformToByteArray();
  });

  it('SSE-KMS echoes an ARN key id', async () => {
    const put = await t.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'kms-arn',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
        SSEKMSKeyId: `arn:aws:kms:${KEY_NAME}`,
      }),
    );
    expect(put.SSEKMSKeyId).toBe(`arn:aws:kms:${KEY_NAME}`);
    expect(put.SSEKMSEncryptionContext).toBeUndefined();
    const record = await readRecord('kms-arn');
    expect(record.internal['X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id']).toBe(KEY_NAME);
  });

  it('SSE-KMS uses the default key', async () => {
    const put = await t.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'kms-default',
        Body: 'x',
        ServerSideEncryption: 'aws:kms',
      }),
    );
    expect(put.SSEKMSKeyId).toBe(`arn:aws:kms:${KEY_NAME}`);
  });

  it('SSE-C echoes the key MD5', async () => {
    const put = await t.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'ssec-headers', Body: 'x', ...ssec(KEY) }),
    );
    expect(put.SSECustomerAlgorithm).toBe('AES256');
    expect(put.SSECustomerKeyMD5).toBe(keyMd5(KEY));
    const head = await t.client.send(
      new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec-headers', ...ssec(KEY) }),
    );
    expect(head.SSECustomerKeyMD5).toBe(keyMd5(KEY));
    expect(head.ETag).toBe(put.ETag);
    const record = await readRecord('ssec-headers');
    expect(JSON.stringify(record)).not.toContain(KEY.toString('base64'));
  });

  it('unencrypted objects have no SSE headers', async () => {
    const content = testBytes(5000, 9);
    const put = await t.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'plain', Body: content }),
    );
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(put.ETag).toBe(`"${md5Hex(content)}"`);
    const { output, bytes } = await getBytes({
      Bucket: BUCKET,
      Key: 'plain',
      Range: 'bytes=100-199',
    });
    expect(output.ServerSideEncryption).toBeUndefined();
    expect(bytes.equals(content.subarray(100, 200))).toBe(true);
    expect((await readStored(await readRecord('plain'))).equals(content)).toBe(true);
  });
});

describe('request bodies', () => {
  it('streams an aws-chunked body', async () => {
    const content = testBytes(200_000, 11);
    const sent: Record<string, string>[] = [];
    t.client.middlewareStack.add(
      (next) => async (args) => {
        sent.push({ ...(args.request as { headers: Record<string, string> }).headers });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'captureHeaders' },
    );
    try {
      await t.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'streamed',
          Body: Readable.from([content.subarray(0, 70_000), content.subarray(70_000)]),
          ContentLength: content.length,
          ServerSideEncryption: 'AES256',
        }),
      );
    } finally {
      t.client.middlewareStack.remove('captureHeaders');
    }
    expect(sent[0]?.['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(sent[0]?.['content-encoding']).toBe('aws-chunked');
    const { bytes } = await getBytes({ Bucket: BUCKET, Key: 'streamed' });
    expect(bytes.equals(content)).toBe(true);
  });

  it('stores an empty encrypted object', async () => {
    await t.client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'empty', Body: new Uint8Array(0), ...ssec(KEY) }),
    );
    const { output, bytes } = await getBytes({ Bucket: BUCKET, Key: 'empty', ...ssec(KEY) });
    expect(bytes.length).toBe(0);
    expect(output.ContentLength).toBe(0);
    expect((await readRecord('empty')).size).toBe(0);
  });
});

describe('deletes', () => {
  it('removes data and metadata', async () => {
    await t.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'doomed',
        Body: 'x',
        ServerSideEncryption: 'AES256',
      }),
    );
    const record = await readRecord('doomed');
    const { objectsDirectory } = storedObjectPaths(t.dataDir, BUCKET, 'doomed');
    const deleted = await t.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'doomed' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'doomed' })),
      'NoSuchKey',
      404,
    );
    await expect(access(join(objectsDirectory, record.dataFile))).rejects.toThrow();
  });

  it('ignores a missing object', async () => {
    const deleted = await t.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'never' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
  });
});
