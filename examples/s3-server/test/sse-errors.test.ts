import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ObjectRecord, storedObjectPaths } from '../src/index.js';
import {
  createClient,
  customerKey,
  expectS3Error,
  ssec,
  startTestServer,
  type TestServer,
  testBytes,
} from './helpers.js';
import { errorCode, sendRaw } from './raw-request.js';

const BUCKET = 'errors';
const KEY = customerKey(3);

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await t.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await t.client.send(
    new PutObjectCommand({ Bucket: BUCKET, Key: 'ssec', Body: 'secret', ...ssec(KEY) }),
  );
  await t.client.send(
    new PutObjectCommand({
      Bucket: BUCKET,
      Key: 'kms',
      Body: 'x',
      ServerSideEncryption: 'aws:kms',
    }),
  );
});
afterAll(() => t.close());

describe('SSE-C reads', () => {
  it('rejects a wrong key', async () => {
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssec(customerKey(4)) })),
      'AccessDenied',
      403,
    );
  });

  it('rejects a wrong key on HEAD', async () => {
    const error = await t.client
      .send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssec(customerKey(4)) }))
      .catch((caught: { $metadata: { httpStatusCode: number } }) => caught);
    expect((error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(403);
  });

  it('rejects a read without the key', async () => {
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec' })),
      'InvalidRequest',
      400,
    );
  });

  it('rejects a key for a KMS object', async () => {
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kms', ...ssec(KEY) })),
      'InvalidRequest',
      400,
    );
  });

  it('rejects SSE headers on GET', async () => {
    const response = await sendRaw(t.server, {
      method: 'GET',
      path: `/${BUCKET}/kms`,
      headers: { 'x-amz-server-side-encryption': 'aws:kms' },
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('BadRequest');
  });
});

describe('SSE writes', () => {
  it('rejects a missing KMS key', async () => {
    const error = await expectS3Error(
      t.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'no-key',
          Body: 'x',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'no-such-key',
        }),
      ),
      'KMS.NotFoundException',
      400,
    );
    expect(error.message).toBe('Invalid keyId');
    await expectS3Error(
      t.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'no-key' })),
      'NoSuchKey',
      404,
    );
  });

  it('rejects a missing KMS key for multipart', async () => {
    await expectS3Error(
      t.client.send(
        new CreateMultipartUploadCommand({
          Bucket: BUCKET,
          Key: 'no-key',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'arn:aws:kms:no-such-key',
        }),
      ),
      'KMS.NotFoundException',
      400,
    );
  });

  it('rejects an unknown SSE algorithm', async () => {
    await expectS3Error(
      t.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'bad-sse',
          Body: 'x',
          ServerSideEncryption: 'AES-256' as 'AES256',
        }),
      ),
      'InvalidArgument',
      400,
    );
  });

  it('rejects SSE-S3 with an SSE-C key', async () => {
    await expectS3Error(
      t.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'both',
          Body: 'x',
          ServerSideEncryption: 'AES256',
          ...ssec(KEY),
        }),
      ),
      'InvalidArgument',
      400,
    );
  });

  it('rejects internal metadata headers', async () => {
    const response = await sendRaw(t.server, {
      method: 'PUT',
      path: `/${BUCKET}/internal`,
      headers: {
        'content-length': '1',
        'x-minio-internal-server-side-encryption-sealed-key': 'AAAA',
      },
      body: Buffer.from('x'),
    });
    expect(response.status).toBe(400);
    expect(errorCode(response.body)).toBe('InvalidArgument');
  });

  it('rejects a malformed context', async () => {
    await expectS3Error(
      t.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'bad-context',
          Body: 'x',
          ServerSideEncryption: 'aws:kms',
          SSEKMSEncryptionContext: Buffer.from('[1,2]').toString('base64'),
        }),
      ),
      'InvalidArgument',
      400,
    );
  });
});

describe('stored object tampering', () => {
  async function storeAndOpen(key: string) {
    await t.client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: testBytes(100_000),
        ServerSideEncryption: 'AES256',
      }),
    );
    const { metadataFile, objectsDirectory } = storedObjectPaths(t.dataDir, BUCKET, key);
    const record = JSON.parse(await readFile(metadataFile, 'utf8')) as ObjectRecord;
    return { metadataFile, record, dataPath: join(objectsDirectory, record.dataFile) };
  }

  it('fails a read of a modified package', async () => {
    const { dataPath } = await storeAndOpen('flipped');
    const stored = await readFile(dataPath);
    stored[70_000] = stored[70_000]! ^ 1;
    await writeFile(dataPath, stored);

    const read = t.client
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: 'flipped' }))
      .then((output) => output.Body!.transformToByteArray());
    await expect(read).rejects.toThrow();
    const first = await t.client.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'flipped', Range: 'bytes=0-99' }),
    );
    const bytes = Buffer.from(await first.Body!.transformToByteArray());
    expect(bytes.equals(testBytes(100_000).subarray(0, 100))).toBe(true);
  });

  it('rejects an impossible stored size', async () => {
    const { metadataFile, record } = await storeAndOpen('resized');
    await writeFile(metadataFile, JSON.stringify({ ...record, size: 65_568 + 10 }));
    const client = createClient(t.server, { maxAttempts: 1 });
    await expectS3Error(
      client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'resized' })),
      'XMinioObjectTampered',
      500,
    );
    client.destroy();
  });
});

describe('servers without TLS or KMS', () => {
  it('rejects SSE-C over plain HTTP', async () => {
    const plain = await startTestServer({ insecureHttp: true });
    try {
      expect(plain.server.endpoint.startsWith('http://')).toBe(true);
      await plain.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
      const error = await expectS3Error(
        plain.client.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'ssec', Body: 'x', ...ssec(KEY) }),
        ),
        'InvalidRequest',
        400,
      );
      expect(error.message).toContain('secure connection');
      const put = await plain.client.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 's3',
          Body: 'x',
          ServerSideEncryption: 'AES256',
        }),
      );
      expect(put.ServerSideEncryption).toBe('AES256');
    } finally {
      await plain.close();
    }
  });

  it('answers 501 for SSE-S3 without KMS', async () => {
    const noKms = await startTestServer({ kms: undefined });
    const client = createClient(noKms.server, { maxAttempts: 1 });
    try {
      await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await expectS3Error(
        client.send(
          new PutObjectCommand({
            Bucket: BUCKET,
            Key: 's3',
            Body: 'x',
            ServerSideEncryption: 'AES256',
          }),
        ),
        'NotImplemented',
        501,
      );
      const put = await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: 'ssec', Body: 'x', ...ssec(KEY) }),
      );
      expect(put.SSECustomerAlgorithm).toBe('AES256');
    } finally {
      client.destroy();
      await noKms.close();
    }
  });
});
