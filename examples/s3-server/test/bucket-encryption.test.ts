import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customerKey,
  expectS3Error,
  KEY_NAME,
  ssec,
  startTestServer,
  type TestServer,
  testBytes,
} from './helpers.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

function putDefault(Bucket: string, SSEAlgorithm: 'AES256' | 'aws:kms', KMSMasterKeyID?: string) {
  return t.client.send(
    new PutBucketEncryptionCommand({
      Bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm, KMSMasterKeyID } }],
      },
    }),
  );
}

describe('bucket basics', () => {
  it('creates and heads a bucket', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'basics' }));
    const head = await t.client.send(new HeadBucketCommand({ Bucket: 'basics' }));
    expect(head.$metadata.httpStatusCode).toBe(200);
    await expectS3Error(
      t.client.send(new CreateBucketCommand({ Bucket: 'basics' })),
      'BucketAlreadyOwnedByYou',
      409,
    );
  });

  it('rejects an invalid bucket name', async () => {
    await expectS3Error(
      t.client.send(new CreateBucketCommand({ Bucket: 'Not_Valid' })),
      'InvalidBucketName',
      400,
    );
  });

  it('rejects writes to a missing bucket', async () => {
    await expectS3Error(
      t.client.send(new PutObjectCommand({ Bucket: 'missing', Key: 'x', Body: 'x' })),
      'NoSuchBucket',
      404,
    );
  });
});

describe('bucket default encryption', () => {
  beforeAll(async () => {
    for (const Bucket of ['default-s3', 'default-kms', 'default-none']) {
      await t.client.send(new CreateBucketCommand({ Bucket }));
    }
    await putDefault('default-s3', 'AES256');
    await putDefault('default-kms', 'aws:kms', `arn:aws:kms:${KEY_NAME}`);
  });

  it('returns the stored configuration', async () => {
    const config = await t.client.send(new GetBucketEncryptionCommand({ Bucket: 'default-kms' }));
    const rule = config.ServerSideEncryptionConfiguration?.Rules?.[0];
    expect(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('aws:kms');
    expect(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID).toBe(
      `arn:aws:kms:${KEY_NAME}`,
    );
  });

  it('answers 404 without configuration', async () => {
    await expectS3Error(
      t.client.send(new GetBucketEncryptionCommand({ Bucket: 'default-none' })),
      'ServerSideEncryptionConfigurationNotFoundError',
      404,
    );
  });

  it('applies SSE-S3 to plain writes', async () => {
    const put = await t.client.send(
      new PutObjectCommand({ Bucket: 'default-s3', Key: 'a', Body: 'hello' }),
    );
    expect(put.ServerSideEncryption).toBe('AES256');
    const get = await t.client.send(new GetObjectCommand({ Bucket: 'default-s3', Key: 'a' }));
    expect(get.ServerSideEncryption).toBe('AES256');
    expect(await get.Body!.transformToString()).toBe('hello');
  });

  it('applies SSE-KMS to plain writes', async () => {
    const put = await t.client.send(
      new PutObjectCommand({ Bucket: 'default-kms', Key: 'a', Body: 'hello' }),
    );
    expect(put.ServerSideEncryption).toBe('aws:kms');
    expect(put.SSEKMSKeyId).toBe(`arn:aws:kms:${KEY_NAME}`);
  });

  it('applies to multipart uploads', async () => {
    const created = await t.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'default-kms', Key: 'mp' }),
    );
    expect(created.ServerSideEncryption).toBe('aws:kms');
    const upload = { Bucket: 'default-kms', Key: 'mp', UploadId: created.UploadId };
    const part = await t.client.send(
      new UploadPartCommand({ ...upload, PartNumber: 1, Body: testBytes(70_000) }),
    );
    await t.client.send(
      new CompleteMultipartUploadCommand({
        ...upload,
        MultipartUpload: { Parts: [{ ETag: part.ETag, PartNumber: 1 }] },
      }),
    );
    const get = await t.client.send(new GetObjectCommand({ Bucket: 'default-kms', Key: 'mp' }));
    expect(get.ServerSideEncryption).toBe('aws:kms');
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(testBytes(70_000))).toBe(
      true,
    );
  });

  it('yields to request headers', async () => {
    const put = await t.client.send(
      new PutObjectCommand({ Bucket: 'default-kms', Key: 'c', Body: 'x', ...ssec(customerKey(5)) }),
    );
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(put.SSECustomerAlgorithm).toBe('AES256');
  });

  it('rejects a missing KMS key', async () => {
    await expectS3Error(
      putDefault('default-none', 'aws:kms', 'no-such-key'),
      'KMS.NotFoundException',
      400,
    );
  });

  it('rejects AES256 with a key id', async () => {
    const error = await expectS3Error(
      putDefault('default-none', 'AES256', KEY_NAME),
      'MalformedXML',
      400,
    );
    expect(error.message).toContain('MasterKeyID is allowed with aws:kms only');
  });

  it('stops after deletion', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'default-deleted' }));
    await putDefault('default-deleted', 'AES256');
    await t.client.send(new DeleteBucketEncryptionCommand({ Bucket: 'default-deleted' }));
    const put = await t.client.send(
      new PutObjectCommand({ Bucket: 'default-deleted', Key: 'a', Body: 'x' }),
    );
    expect(put.ServerSideEncryption).toBeUndefined();
  });
});
