import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompleteMultipartUploadCommandOutput,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  type CreateMultipartUploadCommandOutput,
  GetObjectCommand,
  type GetObjectCommandInput,
  HeadObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { encryptedSize } from '@kmskit/s3-sse-adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ObjectRecord, storedObjectPaths } from '../src/index.js';
import {
  customerKey,
  expectS3Error,
  KEY_NAME,
  keyMd5,
  ssec,
  startTestServer,
  type TestServer,
  testBytes,
} from './helpers.js';

const BUCKET = 'uploads';
const MIB = 1024 * 1024;
const PART_SIZES = [5 * MIB, 5 * MIB, 100_000];
const TOTAL = PART_SIZES.reduce((sum, size) => sum + size, 0);
const KEY = customerKey(2);
const CONTEXT = Buffer.from(JSON.stringify({ team: 'storage' })).toString('base64');

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

async function getBytes(input: GetObjectCommandInput) {
  const output = await t.client.send(new GetObjectCommand(input));
  return { output, bytes: Buffer.from(await output.Body!.transformToByteArray()) };
}

/** Uploads `parts` as a multipart object and returns the create and complete outputs. */
async function uploadObject(
  key: string,
  parts: Buffer[],
  sse: Partial<CreateMultipartUploadCommandInput>,
  partSse: Record<string, unknown>,
) {
  const created = await t.client.send(
    new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key, ...sse }),
  );
  const etags: string[] = [];
  for (const [index, body] of parts.entries()) {
    const part = await t.client.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: key,
        UploadId: created.UploadId,
        PartNumber: index + 1,
        Body: body,
        ...partSse,
      }),
    );
    etags.push(part.ETag!);
  }
  const completed = await t.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: BUCKET,
      Key: key,
      UploadId: created.UploadId,
      MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      ...partSse,
    }),
  );
  return { created, completed, etags };
}

const TYPES = [
  { type: 'SSE-S3', sse: { ServerSideEncryption: 'AES256' as const }, read: {} },
  {
    type: 'SSE-KMS',
    sse: {
      ServerSideEncryption: 'aws:kms' as const,
      SSEKMSKeyId: KEY_NAME,
      SSEKMSEncryptionContext: CONTEXT,
    },
    read: {},
  },
  { type: 'SSE-C', sse: ssec(KEY), read: ssec(KEY) },
];

describe.each(TYPES)('$type multipart object', ({ type, sse, read }) => {
  const key = `${type}/big.bin`;
  const content = testBytes(TOTAL, 100 + type.length);
  let created: CreateMultipartUploadCommandOutput;
  let completed: CompleteMultipartUploadCommandOutput;
  let etags: string[];

  beforeAll(async () => {
    const parts: Buffer[] = [];
    let offset = 0;
    for (const size of PART_SIZES) {
      parts.push(content.subarray(offset, offset + size));
      offset += size;
    }
    ({ created, completed, etags } = await uploadObject(key, parts, sse, read));
  });

  it('answers with SSE headers', () => {
    if (type === 'SSE-C') {
      // CompleteMultipartUploadOutput models no SSE-C fields, so only the create response shows them.
      expect(created.SSECustomerAlgorithm).toBe('AES256');
      expect(created.SSECustomerKeyMD5).toBe(keyMd5(KEY));
      return;
    }
    const expected = type === 'SSE-S3' ? 'AES256' : 'aws:kms';
    expect(created.ServerSideEncryption).toBe(expected);
    expect(completed.ServerSideEncryption).toBe(expected);
    if (type === 'SSE-KMS') expect(completed.SSEKMSKeyId).toBe(`arn:aws:kms:${KEY_NAME}`);
  });

  it('computes the multipart ETag', () => {
    const digest = createHash('md5');
    for (const etag of etags) digest.update(Buffer.from(etag.replaceAll('"', ''), 'hex'));
    expect(completed.ETag).toBe(`"${digest.digest('hex')}-3"`);
  });

  it('stores one DARE stream per part', async () => {
    const record = await readRecord(key);
    const storedSizes = PART_SIZES.map((size) => Number(encryptedSize(size)));
    expect(record.parts?.map((part) => part.size)).toEqual(storedSizes);
    expect(record.size).toBe(storedSizes.reduce((sum, size) => sum + size, 0));
    expect(record.internal['X-Minio-Internal-Encrypted-Multipart']).toBe('');
    expect(record.internal['X-Minio-Internal-actual-size']).toBe(String(TOTAL));
  });

  it('reads the full object', async () => {
    const { output, bytes } = await getBytes({ Bucket: BUCKET, Key: key, ...read });
    expect(output.ContentLength).toBe(TOTAL);
    expect(output.ETag).toBe(completed.ETag);
    expect(bytes.equals(content)).toBe(true);
  });

  it.each([
    ['across a part boundary', 5 * MIB - 100, 5 * MIB + 100],
    ['across every part', 5 * MIB - 1, 10 * MIB],
    ['inside the last part', TOTAL - 1000, TOTAL - 1],
    ['at a part start', 5 * MIB, 5 * MIB],
  ])('reads a range %s', async (_name, first, last) => {
    const { output, bytes } = await getBytes({
      Bucket: BUCKET,
      Key: key,
      Range: `bytes=${first}-${last}`,
      ...read,
    });
    expect(output.ContentRange).toBe(`bytes ${first}-${last}/${TOTAL}`);
    expect(bytes.equals(content.subarray(first, last + 1))).toBe(true);
  });

  it('answers HEAD with the total size', async () => {
    const head = await t.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key, ...read }));
    expect(head.ContentLength).toBe(TOTAL);
    expect(head.ETag).toBe(completed.ETag);
  });
});

describe('multipart rules', () => {
  it('SSE-C parts need the key', async () => {
    const created = await t.client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'ssec-parts', ...ssec(KEY) }),
    );
    const part = { Bucket: BUCKET, Key: 'ssec-parts', UploadId: created.UploadId, PartNumber: 1 };
    await expectS3Error(
      t.client.send(new UploadPartCommand({ ...part, Body: 'x' })),
      'InvalidRequest',
      400,
    );
    await expectS3Error(
      t.client.send(new UploadPartCommand({ ...part, Body: 'x', ...ssec(customerKey(99)) })),
      'AccessDenied',
      403,
    );
  });

  it('re-uploaded part replaces the first', async () => {
    const created = await t.client.send(
      new CreateMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'again',
        ServerSideEncryption: 'AES256',
      }),
    );
    const part = { Bucket: BUCKET, Key: 'again', UploadId: created.UploadId, PartNumber: 1 };
    await t.client.send(new UploadPartCommand({ ...part, Body: testBytes(1000, 1) }));
    const second = await t.client.send(
      new UploadPartCommand({ ...part, Body: testBytes(1000, 2) }),
    );
    await t.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'again',
        UploadId: created.UploadId,
        MultipartUpload: { Parts: [{ ETag: second.ETag, PartNumber: 1 }] },
      }),
    );
    const { bytes } = await getBytes({ Bucket: BUCKET, Key: 'again' });
    expect(bytes.equals(testBytes(1000, 2))).toBe(true);
  });

  it('rejects a wrong part ETag', async () => {
    const created = await t.client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'wrong-etag' }),
    );
    await t.client.send(
      new UploadPartCommand({
        Bucket: BUCKET,
        Key: 'wrong-etag',
        UploadId: created.UploadId,
        PartNumber: 1,
        Body: 'x',
      }),
    );
    await expectS3Error(
      t.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'wrong-etag',
          UploadId: created.UploadId,
          MultipartUpload: { Parts: [{ ETag: `"${'0'.repeat(32)}"`, PartNumber: 1 }] },
        }),
      ),
      'InvalidPart',
      400,
    );
  });

  it('rejects a small inner part', async () => {
    const created = await t.client.send(
      new CreateMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'small',
        ServerSideEncryption: 'AES256',
      }),
    );
    const upload = { Bucket: BUCKET, Key: 'small', UploadId: created.UploadId };
    const parts = [];
    for (const PartNumber of [1, 2]) {
      const part = await t.client.send(new UploadPartCommand({ ...upload, PartNumber, Body: 'x' }));
      parts.push({ ETag: part.ETag, PartNumber });
    }
    await expectS3Error(
      t.client.send(
        new CompleteMultipartUploadCommand({ ...upload, MultipartUpload: { Parts: parts } }),
      ),
      'EntityTooSmall',
      400,
    );
  });

  it('abort removes the upload', async () => {
    const created = await t.client.send(
      new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted' }),
    );
    const upload = { Bucket: BUCKET, Key: 'aborted', UploadId: created.UploadId };
    await t.client.send(new AbortMultipartUploadCommand(upload));
    await expectS3Error(
      t.client.send(new UploadPartCommand({ ...upload, PartNumber: 1, Body: 'x' })),
      'NoSuchUpload',
      404,
    );
  });
});
