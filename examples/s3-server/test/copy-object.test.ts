import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  type CopyObjectCommandInput,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
  PutObjectCommand,
  type PutObjectCommandInput,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ObjectRecord, storedObjectPaths } from '../src/index.js';
import {
  copySourceSsec,
  customerKey,
  expectS3Error,
  KEY_NAME,
  keyMd5,
  ssec,
  startTestServer,
  type TestServer,
  testBytes,
} from './helpers.js';

const BUCKET = 'copies';
const OLD_KEY = customerKey(10);
const NEW_KEY = customerKey(11);
const META = 'X-Minio-Internal-Server-Side-Encryption-';

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

async function put(Key: string, Body: Buffer, sse: Partial<PutObjectCommandInput>) {
  return t.client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body, ...sse }));
}

async function copy(Key: string, from: string, input: Partial<CopyObjectCommandInput>) {
  return t.client.send(
    new CopyObjectCommand({ Bucket: BUCKET, Key, CopySource: `${BUCKET}/${from}`, ...input }),
  );
}

async function getBytes(Key: string, input: Partial<GetObjectCommandInput> = {}) {
  const output = await t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key, ...input }));
  return { output, bytes: Buffer.from(await output.Body!.transformToByteArray()) };
}

describe('in-place rotation', () => {
  it('rotates an SSE-C key', async () => {
    const content = testBytes(200_000, 21);
    const written = await put('ssec', content, ssec(OLD_KEY));
    const before = await readRecord('ssec');

    const copied = await copy('ssec', 'ssec', { ...copySourceSsec(OLD_KEY), ...ssec(NEW_KEY) });
    expect(copied.SSECustomerKeyMD5).toBe(keyMd5(NEW_KEY));
    expect(copied.CopyObjectResult?.ETag).toBe(written.ETag);

    const after = await readRecord('ssec');
    expect(after.dataFile).toBe(before.dataFile);
    expect(after.etag).toBe(before.etag);
    expect(after.internal[`${META}Iv`]).toBe(before.internal[`${META}Iv`]);
    expect(after.internal[`${META}Sealed-Key`]).not.toBe(before.internal[`${META}Sealed-Key`]);
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssec(OLD_KEY) })),
      'AccessDenied',
      403,
    );
    const { output, bytes } = await getBytes('ssec', {
      ...ssec(NEW_KEY),
      Range: 'bytes=65530-65545',
    });
    expect(bytes.equals(content.subarray(65_530, 65_546))).toBe(true);
    expect(output.ETag).toBe(written.ETag);
  });

  it('rejects a wrong old SSE-C key', async () => {
    await put('ssec-wrong', testBytes(100), ssec(OLD_KEY));
    await expectS3Error(
      copy('ssec-wrong', 'ssec-wrong', { ...copySourceSsec(NEW_KEY), ...ssec(customerKey(12)) }),
      'AccessDenied',
      403,
    );
  });

  it('rotates SSE-S3 to SSE-KMS', async () => {
    const content = testBytes(100_000, 22);
    await put('s3-to-kms', content, { ServerSideEncryption: 'AES256' });
    const before = await readRecord('s3-to-kms');

    const context = Buffer.from('{"purpose":"rotation"}').toString('base64');
    const copied = await copy('s3-to-kms', 's3-to-kms', {
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_NAME,
      SSEKMSEncryptionContext: context,
    });
    expect(copied.ServerSideEncryption).toBe('aws:kms');
    expect(copied.SSEKMSKeyId).toBe(`arn:aws:kms:${KEY_NAME}`);
    expect(copied.SSEKMSEncryptionContext).toBe(context);

    const after = await readRecord('s3-to-kms');
    expect(after.dataFile).toBe(before.dataFile);
    expect(after.internal[`${META}S3-Sealed-Key`]).toBeUndefined();
    expect(after.internal[`${META}Kms-Sealed-Key`]).toHaveLength(88);
    expect(after.internal[`${META}Iv`]).not.toBe(before.internal[`${META}Iv`]);
    const { output, bytes } = await getBytes('s3-to-kms');
    expect(output.ServerSideEncryption).toBe('aws:kms');
    expect(output.ETag).toBe(copied.CopyObjectResult?.ETag);
    expect(bytes.equals(content)).toBe(true);
  });

  it('re-encrypts SSE-KMS to SSE-S3', async () => {
    const content = testBytes(100_000, 23);
    await put('kms-to-s3', content, { ServerSideEncryption: 'aws:kms' });
    const before = await readRecord('kms-to-s3');

    const copied = await copy('kms-to-s3', 'kms-to-s3', { ServerSideEncryption: 'AES256' });
    expect(copied.ServerSideEncryption).toBe('AES256');
    const after = await readRecord('kms-to-s3');
    expect(after.dataFile).not.toBe(before.dataFile);
    expect(after.internal[`${META}S3-Sealed-Key`]).toHaveLength(88);
    const { output, bytes } = await getBytes('kms-to-s3');
    expect(output.ServerSideEncryption).toBe('AES256');
    expect(bytes.equals(content)).toBe(true);
  });

  it('replaces metadata while rotating', async () => {
    await put('kms-meta', testBytes(10), { ServerSideEncryption: 'aws:kms', Metadata: { a: '1' } });
    await copy('kms-meta', 'kms-meta', {
      ServerSideEncryption: 'aws:kms',
      MetadataDirective: 'REPLACE',
      Metadata: { b: '2' },
    });
    const { output } = await getBytes('kms-meta');
    expect(output.Metadata).toEqual({ b: '2' });
  });

  it('rejects a copy that changes nothing', async () => {
    await put('same', testBytes(10), {});
    await expectS3Error(copy('same', 'same', {}), 'InvalidRequest', 400);
  });
});

describe('copies to other keys', () => {
  it('encrypts a plain object with SSE-C', async () => {
    const content = testBytes(70_000, 24);
    await put('plain-source', content, {});
    const copied = await copy('plain-to-ssec', 'plain-source', ssec(NEW_KEY));
    expect(copied.SSECustomerKeyMD5).toBe(keyMd5(NEW_KEY));
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'plain-to-ssec' })),
      'InvalidRequest',
      400,
    );
    const { bytes } = await getBytes('plain-to-ssec', ssec(NEW_KEY));
    expect(bytes.equals(content)).toBe(true);
  });

  it('needs the source SSE-C key', async () => {
    await put('ssec-source', testBytes(100), ssec(OLD_KEY));
    await expectS3Error(
      copy('ssec-to-s3', 'ssec-source', { ServerSideEncryption: 'AES256' }),
      'InvalidRequest',
      400,
    );
    await expectS3Error(copy('ssec-to-ssec', 'ssec-source', ssec(NEW_KEY)), 'InvalidArgument', 400);
    const copied = await copy('ssec-to-s3', 'ssec-source', {
      ...copySourceSsec(OLD_KEY),
      ServerSideEncryption: 'AES256',
    });
    expect(copied.ServerSideEncryption).toBe('AES256');
    const { bytes } = await getBytes('ssec-to-s3');
    expect(bytes.equals(testBytes(100))).toBe(true);
  });

  it('copies a multipart SSE-KMS object', async () => {
    const content = testBytes(150_000, 25);
    const created = await t.client.send(
      new CreateMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'mp-source',
        ServerSideEncryption: 'aws:kms',
      }),
    );
    const upload = { Bucket: BUCKET, Key: 'mp-source', UploadId: created.UploadId };
    const part = await t.client.send(
      new UploadPartCommand({ ...upload, PartNumber: 1, Body: content }),
    );
    await t.client.send(
      new CompleteMultipartUploadCommand({
        ...upload,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );

    await copy('mp-copy', 'mp-source', ssec(NEW_KEY));
    const record = await readRecord('mp-copy');
    expect(record.parts).toBeUndefined();
    expect((await readStored(record)).length).toBe(record.size);
    const { bytes } = await getBytes('mp-copy', ssec(NEW_KEY));
    expect(bytes.equals(content)).toBe(true);
  });
});
