import { describe, expect, it } from 'vitest';
import { createSseAdapter, parseBucketEncryption, parseKmsKeyId } from '../src/index.js';
import { catchS3Error, recordingKms, rejectS3Error } from './sse-helpers.js';

const kmsHeaders = (keyId: string) => ({
  'X-Amz-Server-Side-Encryption': 'aws:kms',
  'X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id': keyId,
});

describe('SSE-KMS key id', () => {
  it('maps ARN and plain ids to key', async () => {
    for (const keyId of ['arn:aws:kms:my-key', 'my-key', '']) {
      const { kms, calls } = recordingKms();
      const upload = await createSseAdapter({ kms }).prepareUpload({
        bucket: 'b',
        object: 'o',
        headers: kmsHeaders(keyId),
      });
      expect(calls[0]!.name, keyId).toBe('my-key');
      expect(upload.metadata['X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id'], keyId).toBe(
        'my-key',
      );
      expect(upload.responseHeaders['x-amz-server-side-encryption-aws-kms-key-id'], keyId).toBe(
        'arn:aws:kms:my-key',
      );
    }
  });

  it('rejects full AWS ARNs before KMS', async () => {
    const { kms, calls } = recordingKms();
    const error = await rejectS3Error(
      createSseAdapter({ kms }).prepareUpload({
        bucket: 'b',
        object: 'o',
        headers: kmsHeaders('arn:aws:kms:us-east-1:123:key/my-key'),
      }),
    );
    expect(error.code).toBe('InvalidRequest');
    expect(error.status).toBe(400);
    expect(error.message).toBe('The specified KMS KeyID contains unsupported characters');
    expect(error.detail).toContain('full AWS ARNs');
    expect(calls).toHaveLength(0);
  });

  it('rejects ids with edge spaces', () => {
    expect(catchS3Error(() => parseKmsKeyId(' my-key')).reason).toBe('InvalidEncryptionKeyID');
    expect(catchS3Error(() => parseKmsKeyId('my-key ')).reason).toBe('InvalidEncryptionKeyID');
    expect(catchS3Error(() => parseKmsKeyId('a/../b')).reason).toBe('InvalidEncryptionKeyID');
  });

  it('maps missing keys to 400', async () => {
    const error = await rejectS3Error(
      createSseAdapter({ kms: recordingKms().kms }).prepareUpload({
        bucket: 'b',
        object: 'o',
        headers: kmsHeaders('missing-key'),
      }),
    );
    expect(error.code).toBe('KMS.NotFoundException');
    expect(error.status).toBe(400);
    expect(error.message).toBe('Invalid keyId');
  });

  it('checks bucket default keys up front', async () => {
    const sse = createSseAdapter({ kms: recordingKms().kms });
    const xml = (key: string) =>
      `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>${key}</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;
    await expect(
      sse.checkBucketEncryption(parseBucketEncryption(xml('arn:aws:kms:my-key'))),
    ).resolves.toBeUndefined();
    const missing = await rejectS3Error(
      sse.checkBucketEncryption(parseBucketEncryption(xml('missing-key'))),
    );
    expect(missing.code).toBe('KMS.NotFoundException');
    expect(missing.status).toBe(400);
    const fullArn = catchS3Error(() => parseBucketEncryption(xml('arn:aws:kms:us-east-1:1:key/x')));
    expect(fullArn.code).toBe('MalformedXML');
    const noKms = await rejectS3Error(
      createSseAdapter().checkBucketEncryption(parseBucketEncryption(xml('my-key'))),
    );
    expect(noKms.status).toBe(501);
  });
});
