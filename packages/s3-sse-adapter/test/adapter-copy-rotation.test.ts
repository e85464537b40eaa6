import { describe, expect, it } from 'vitest';
import { createSseAdapter, type ObjectMetadata, SEAL_ALGORITHM } from '../src/index.js';
import {
  builtinKms,
  catchS3Error,
  customerKeyHeaders,
  fromHex,
  patternBytes,
  recordingKms,
  rejectS3Error,
  sameBytes,
  sseVector,
  toBase64,
} from './sse-helpers.js';

const K1 = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
const K2 = Uint8Array.from({ length: 32 }, (_, i) => 100 + i);
const location = { bucket: 'bucket', object: 'docs/a.txt' };
const content = patternBytes(80_000);

describe('adapter copy and rotation', () => {
  const sse = createSseAdapter({ kms: builtinKms() });

  async function put(headers: Record<string, string>) {
    const upload = await sse.prepareUpload({ ...location, headers });
    return { metadata: upload.metadata, body: upload.encrypt(content) };
  }

  it('copies SSE-C to SSE-S3', async () => {
    const source = await put(customerKeyHeaders(K1));
    const copyHeaders = {
      'X-Amz-Copy-Source': '/bucket/docs/a.txt',
      ...customerKeyHeaders(K1, true),
      'X-Amz-Server-Side-Encryption': 'AES256',
    };
    const reader = await sse.openObject({
      ...location,
      metadata: source.metadata,
      headers: copyHeaders,
      size: source.body.length,
    });
    const destination = await sse.prepareUpload({
      bucket: 'bucket',
      object: 'copy.txt',
      headers: copyHeaders,
      copyDestination: true,
    });
    expect(destination.type).toBe('SSE-S3');
    const copied = destination.encrypt(reader.decrypt(source.body));
    const back = await sse.openObject({
      bucket: 'bucket',
      object: 'copy.txt',
      metadata: destination.metadata,
      size: copied.length,
    });
    expect(sameBytes(back.decrypt(copied), content)).toBe(true);
  });

  it('requires copy headers for SSE-C sources', async () => {
    const source = await put(customerKeyHeaders(K1));
    const error = await rejectS3Error(
      sse.openObject({
        ...location,
        metadata: source.metadata,
        headers: customerKeyHeaders(K1),
        copySource: true,
        size: source.body.length,
      }),
    );
    expect(error.reason).toBe('InvalidCustomerAlgorithm');
    expect(error.status).toBe(400);
  });

  it('rejects copy headers on other sources', async () => {
    const plain = await rejectS3Error(
      sse.openObject({
        ...location,
        metadata: {},
        headers: customerKeyHeaders(K1, true),
        copySource: true,
        size: 10,
      }),
    );
    expect(plain.reason).toBe('InvalidEncryptionParameters');
    const s3 = await put({ 'X-Amz-Server-Side-Encryption': 'AES256' });
    const incompatible = await rejectS3Error(
      sse.openObject({
        ...location,
        metadata: s3.metadata,
        headers: customerKeyHeaders(K1, true),
        copySource: true,
        size: s3.body.length,
      }),
    );
    expect(incompatible.reason).toBe('IncompatibleEncryptionMethod');
    // Copy headers with an SSE-KMS source are ignored, as MinIO does.
    const kms = await put({ 'X-Amz-Server-Side-Encryption': 'aws:kms' });
    const reader = await sse.openObject({
      ...location,
      metadata: kms.metadata,
      headers: customerKeyHeaders(K1, true),
      copySource: true,
      size: kms.body.length,
    });
    expect(sameBytes(reader.decrypt(kms.body), content)).toBe(true);
  });

  it('rejects copy headers on plain PUT', async () => {
    const error = await rejectS3Error(
      sse.prepareUpload({
        ...location,
        headers: { ...customerKeyHeaders(K1, true), 'X-Amz-Server-Side-Encryption': 'AES256' },
      }),
    );
    expect(error.code).toBe('InvalidRequest');
    expect(error.reason).toBe('InvalidEncryptionParameters');
  });

  it('rotates SSE-C keys in place', async () => {
    const source = await put(customerKeyHeaders(K1));
    const headers = { ...customerKeyHeaders(K1, true), ...customerKeyHeaders(K2) };
    const storedETag = 'ab'.repeat(48);
    const rotated = sse.rotateCustomerKey({
      ...location,
      metadata: source.metadata,
      headers,
      etag: storedETag,
    });
    expect(rotated.changed).toBe(true);
    expect(rotated.clientETag).toBe('ab'.repeat(16));
    expect(
      sse.rotateCustomerKey({ ...location, metadata: source.metadata, headers }).clientETag,
    ).toBeUndefined();
    const iv = 'X-Minio-Internal-Server-Side-Encryption-Iv';
    expect(rotated.metadata[iv]).toBe(source.metadata[iv]);
    expect(rotated.responseHeaders['x-amz-server-side-encryption-customer-key-md5']).toBe(
      customerKeyHeaders(K2)['X-Amz-Server-Side-Encryption-Customer-Key-Md5'],
    );
    const read = (metadata: ObjectMetadata, key: Uint8Array) =>
      sse.openObject({
        ...location,
        metadata,
        headers: customerKeyHeaders(key),
        size: source.body.length,
      });
    expect(sameBytes((await read(rotated.metadata, K2)).decrypt(source.body), content)).toBe(true);
    expect((await rejectS3Error(read(rotated.metadata, K1))).status).toBe(403);
  });

  it('keeps equal SSE-C keys unchanged', async () => {
    const source = await put(customerKeyHeaders(K1));
    const same = sse.rotateCustomerKey({
      ...location,
      metadata: source.metadata,
      headers: { ...customerKeyHeaders(K1, true), ...customerKeyHeaders(K1) },
    });
    expect(same.changed).toBe(false);
    expect(same.metadata).toEqual(source.metadata);
  });

  it('maps failed SSE-C rotations', async () => {
    const source = await put(customerKeyHeaders(K1));
    const wrongOld = catchS3Error(() =>
      sse.rotateCustomerKey({
        ...location,
        metadata: source.metadata,
        headers: { ...customerKeyHeaders(K2, true), ...customerKeyHeaders(K1) },
      }),
    );
    expect(wrongOld.code).toBe('AccessDenied');
    expect(wrongOld.status).toBe(403);
    const wrongBoth = catchS3Error(() =>
      sse.rotateCustomerKey({
        ...location,
        metadata: source.metadata,
        headers: { ...customerKeyHeaders(K2, true), ...customerKeyHeaders(K2) },
      }),
    );
    expect(wrongBoth.code).toBe('InvalidArgument');
    expect(wrongBoth.message).toBe(
      'The provided encryption parameters did not match the ones used originally.',
    );
    const notSseC = await put({ 'X-Amz-Server-Side-Encryption': 'AES256' });
    expect(
      catchS3Error(() =>
        sse.rotateCustomerKey({
          ...location,
          metadata: notSseC.metadata,
          headers: { ...customerKeyHeaders(K1, true), ...customerKeyHeaders(K1) },
        }),
      ).reason,
    ).toBe('InvalidEncryptionParameters');
  });

  it('upgrades legacy SSE-C seals', () => {
    const legacy = sseVector('seal-legacy-DARE-SHA256');
    const clientKey = fromHex(legacy.inputs.ext_key_hex);
    const metadata = {
      'X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm': 'DARE-SHA256',
      'X-Minio-Internal-Server-Side-Encryption-Iv': toBase64(fromHex(legacy.inputs.iv_hex)),
      'X-Minio-Internal-Server-Side-Encryption-Sealed-Key': legacy.expected.sealed_key_b64,
    };
    const rotated = sse.rotateCustomerKey({
      ...location,
      metadata,
      headers: { ...customerKeyHeaders(clientKey, true), ...customerKeyHeaders(clientKey) },
    });
    expect(rotated.changed).toBe(true);
    expect(rotated.metadata['X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm']).toBe(
      SEAL_ALGORITHM,
    );
    expect(rotated.metadata['X-Minio-Internal-Server-Side-Encryption-Iv']).toBe(
      metadata['X-Minio-Internal-Server-Side-Encryption-Iv'],
    );
  });

  it('rotates SSE-S3 data keys', async () => {
    const { kms, calls } = recordingKms();
    const rotating = createSseAdapter({ kms });
    const upload = await rotating.prepareUpload({
      ...location,
      headers: { 'X-Amz-Server-Side-Encryption': 'AES256' },
    });
    const body = upload.encrypt(content);
    const { etag } = upload.finish(new Uint8Array(16).fill(9));
    const rotated = await rotating.rotateKmsKey({
      ...location,
      metadata: { 'X-Amz-Meta-A': 'b', ...upload.metadata },
    });
    expect(rotated.changed).toBe(true);
    expect(rotated.metadata['X-Amz-Meta-A']).toBe('b');
    for (const entry of ['Iv', 'S3-Sealed-Key', 'S3-Kms-Sealed-Key']) {
      const name = `X-Minio-Internal-Server-Side-Encryption-${entry}`;
      expect(rotated.metadata[name], entry).not.toBe(upload.metadata[name]);
    }
    expect(calls.map((call) => call.operation)).toEqual(['generateKey', 'decrypt', 'generateKey']);
    const reader = await rotating.openObject({
      ...location,
      metadata: rotated.metadata,
      size: body.length,
      etag,
    });
    expect(sameBytes(reader.decrypt(body), content)).toBe(true);
    expect(reader.etag).toBe('09'.repeat(16));
  });

  it('rotates SSE-KMS contexts and types', async () => {
    const s3 = await put({ 'X-Amz-Server-Side-Encryption': 'AES256' });
    const toKms = await sse.rotateKmsKey({
      ...location,
      metadata: s3.metadata,
      target: { type: 'SSE-KMS', keyId: 'my-key', context: { project: 'x' } },
    });
    expect(toKms.metadata['X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key']).toBeDefined();
    expect(toKms.metadata['X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key']).toBeUndefined();
    expect(toKms.responseHeaders['x-amz-server-side-encryption']).toBe('aws:kms');
    const kept = await sse.rotateKmsKey({ ...location, metadata: toKms.metadata });
    expect(kept.metadata['X-Minio-Internal-Server-Side-Encryption-Context']).toBe(
      toKms.metadata['X-Minio-Internal-Server-Side-Encryption-Context'],
    );
    const reader = await sse.openObject({
      ...location,
      metadata: kept.metadata,
      size: s3.body.length,
    });
    expect(sameBytes(reader.decrypt(s3.body), content)).toBe(true);

    const refused = await rejectS3Error(
      sse.rotateKmsKey({ ...location, metadata: kept.metadata, target: { type: 'SSE-S3' } }),
    );
    expect(refused.reason).toBe('InvalidEncryptionParameters');
    const sseC = await put(customerKeyHeaders(K1));
    expect(
      (await rejectS3Error(sse.rotateKmsKey({ ...location, metadata: sseC.metadata }))).reason,
    ).toBe('InvalidEncryptionParameters');
  });

  it('keeps the multipart marker on rotation', async () => {
    const init = await sse.createMultipartUpload({
      ...location,
      headers: { 'X-Amz-Server-Side-Encryption': 'AES256' },
    });
    const rotated = await sse.rotateKmsKey({ ...location, metadata: init.metadata });
    expect(rotated.metadata['X-Minio-Internal-Encrypted-Multipart']).toBe('');
  });
});
