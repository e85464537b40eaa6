import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { encodeContext } from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import {
  clientETag,
  createSseAdapter,
  createSseCMetadata,
  createSseKmsMetadata,
  createSseS3Metadata,
  decryptDare,
  encryptDare,
  generateObjectKey,
  type SseType,
  sealETag,
  sealObjectKey,
  sseResponseHeaders,
} from '../src/index.js';
import dareFile from './fixtures/dare-vectors.json' with { type: 'json' };
import {
  builtinKms,
  cipherOf,
  customerKeyHeaders,
  fixedDataKeyKms,
  fromBase64,
  fromHex,
  rejectS3Error,
  sseVectors,
  toBase64,
  toHex,
} from './sse-helpers.js';

const TYPE_OF: Record<string, SseType> = {
  'e2e-sse-s3-builtin-kms-single-part': 'SSE-S3',
  'e2e-sse-kms-builtin-kms-single-part': 'SSE-KMS',
  'e2e-sse-c-single-part': 'SSE-C',
};

describe('object e2e vectors', () => {
  const vectors = sseVectors('object-e2e');

  it('reproduces MinIO stored bytes', () => {
    for (const { name, inputs, expected } of vectors) {
      const type = TYPE_OF[name]!;
      const content = fromHex(inputs.content.hex);
      const externalKey =
        type === 'SSE-C'
          ? fromBase64(inputs.request_headers['X-Amz-Server-Side-Encryption-Customer-Key'])
          : fromHex(inputs.dek_plaintext_hex);
      const cipher = cipherOf(inputs.cipher_suite);

      const objectKey = generateObjectKey(externalKey, fromHex(inputs.object_key_random_hex));
      expect(toHex(objectKey), name).toBe(expected.object_key_hex);
      const sealedKey = sealObjectKey(objectKey, externalKey, type, inputs.bucket, inputs.object, {
        iv: fromHex(inputs.iv_hex),
        nonce: fromHex(inputs.seal_dare_nonce_hex),
        cipher,
      });
      const kmsFields = {
        keyId: 'my-key',
        kmsDataKey: fromHex(expected.dek_ciphertext_hex ?? ''),
        sealedKey,
      };
      const context = inputs.request_headers?.['X-Amz-Server-Side-Encryption-Context'];
      const metadata =
        type === 'SSE-C'
          ? createSseCMetadata(sealedKey)
          : type === 'SSE-S3'
            ? createSseS3Metadata(kmsFields)
            : createSseKmsMetadata({
                ...kmsFields,
                context: JSON.parse(Buffer.from(context, 'base64').toString()),
              });
      expect(metadata, name).toEqual(expected.metadata);

      const body = encryptDare(objectKey, content, {
        nonce: fromHex(inputs.data_dare_nonce_hex),
        cipher,
      });
      expect(toHex(body), name).toBe(expected.stored_body_hex);
      expect(body.length, name).toBe(expected.stored_size);

      const md5 = createHash('md5').update(content).digest();
      if (expected.content_md5_hex)
        expect(md5.toString('hex'), name).toBe(expected.content_md5_hex);
      const etag = toHex(
        sealETag(objectKey, md5, { nonce: fromHex(inputs.etag_dare_nonce_hex), cipher }),
      );
      expect(etag, name).toBe(expected.stored_etag);
      expect(clientETag(type, etag, objectKey), name).toBe(expected.client_etag);

      const md5Header = inputs.request_headers?.['X-Amz-Server-Side-Encryption-Customer-Key-Md5'];
      expect(sseResponseHeaders(type, metadata, md5Header), name).toEqual(
        expected.response_headers,
      );
    }
    expect(vectors.length).toBe(3);
  });

  it('decrypts MinIO data keys with builtin KMS', async () => {
    const kms = builtinKms();
    let checked = 0;
    for (const { name, inputs, expected } of vectors) {
      if (!expected.dek_ciphertext_hex) continue;
      checked++;
      expect(inputs.kms_secret_key, name).toBe(
        'my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=',
      );
      const ciphertext = fromHex(expected.dek_ciphertext_hex);
      expect(ciphertext.length, name).toBe(76);
      // The builtin KMS appends the random iv (16 bytes) and nonce (12 bytes) it drew.
      expect(toHex(ciphertext.subarray(48)), name).toBe(inputs.kms_generate_random28_hex);
      const context = JSON.parse(expected.kms_context_text);
      expect(new TextDecoder().decode(encodeContext(context)), name).toBe(
        expected.kms_context_text,
      );
      const plaintext = await kms.decrypt({ name: 'my-key', ciphertext, context });
      expect(toHex(plaintext), name).toBe(inputs.dek_plaintext_hex);
    }
    expect(checked).toBe(2);
  });

  it('reads MinIO objects through openObject', async () => {
    const sse = createSseAdapter({ kms: builtinKms() });
    for (const { name, inputs, expected } of vectors) {
      const content = fromHex(inputs.content.hex);
      const stored = fromHex(expected.stored_body_hex);
      const request = {
        bucket: inputs.bucket,
        object: inputs.object,
        metadata: expected.metadata,
        headers: TYPE_OF[name] === 'SSE-C' ? inputs.request_headers : {},
        method: 'GET',
        size: expected.stored_size,
        etag: expected.stored_etag,
      };
      const reader = await sse.openObject(request);
      expect(reader.type, name).toBe(TYPE_OF[name]);
      expect(reader.size, name).toBe(inputs.content.len);
      expect(reader.etag, name).toBe(expected.client_etag);
      expect(reader.responseHeaders, name).toEqual(expected.response_headers);
      expect(reader.decrypt(stored), name).toEqual(content);

      const streamed = await buffer(
        Readable.from([stored.subarray(0, 50), stored.subarray(50)]).pipe(
          reader.createDecryptStream(),
        ),
      );
      expect(new Uint8Array(streamed), name).toEqual(content);

      const read = reader.read('bytes=10-19');
      expect(read.contentRange, name).toBe(`bytes 10-19/${inputs.content.len}`);
      const slice = stored.subarray(read.storedOffset, read.storedOffset + read.storedLength);
      expect(read.decrypt(slice), name).toEqual(content.subarray(10, 20));
      reader.dispose();
    }
  });

  it('writes objects the vectors read back', async () => {
    for (const { name, inputs, expected } of vectors) {
      const type = TYPE_OF[name]!;
      if (type === 'SSE-C') continue;
      const kms = fixedDataKeyKms({
        plaintext: fromHex(inputs.dek_plaintext_hex),
        ciphertext: fromHex(expected.dek_ciphertext_hex),
      });
      const headers =
        type === 'SSE-KMS' ? inputs.request_headers : { 'X-Amz-Server-Side-Encryption': 'AES256' };
      const sse = createSseAdapter({ kms });
      const upload = await sse.prepareUpload({
        bucket: inputs.bucket,
        object: inputs.object,
        headers,
      });
      const data = [
        'X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id',
        'X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key',
        'X-Minio-Internal-Server-Side-Encryption-Context',
        'X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm',
      ];
      for (const entry of data)
        expect(upload.metadata[entry], `${name} ${entry}`).toBe(expected.metadata[entry]);
      expect(Object.keys(upload.metadata).sort(), name).toEqual(
        Object.keys(expected.metadata).sort(),
      );
      expect(upload.responseHeaders, name).toEqual(expected.response_headers);

      const content = fromHex(inputs.content.hex);
      const body = upload.encrypt(content);
      const { etag } = upload.finish(createHash('md5').update(content).digest());
      const reader = await createSseAdapter({ kms: builtinKms() }).openObject({
        bucket: inputs.bucket,
        object: inputs.object,
        metadata: upload.metadata,
        size: body.length,
        etag,
      });
      expect(reader.decrypt(body), name).toEqual(content);
    }
  });

  it('rotates the MinIO SSE-C key', async () => {
    const vector = vectors.find((candidate) => candidate.name === 'e2e-sse-c-single-part')!;
    const { inputs, expected } = vector;
    const oldKey = fromBase64(inputs.request_headers['X-Amz-Server-Side-Encryption-Customer-Key']);
    const newKey = new TextEncoder().encode(inputs.rotation_new_client_key_ascii);

    // With the vector's fixed nonce, the reseal is byte for byte MinIO's.
    const resealed = sealObjectKey(
      fromHex(expected.object_key_hex),
      newKey,
      'SSE-C',
      inputs.bucket,
      inputs.object,
      {
        iv: fromBase64(expected.metadata['X-Minio-Internal-Server-Side-Encryption-Iv']),
        nonce: fromHex(inputs.seal_dare_nonce_hex),
      },
    );
    expect(toBase64(resealed.key)).toBe(expected.after_rotation_sealed_key_b64);

    const sse = createSseAdapter();
    const rotated = sse.rotateCustomerKey({
      bucket: inputs.bucket,
      object: inputs.object,
      metadata: expected.metadata,
      headers: { ...customerKeyHeaders(oldKey, true), ...customerKeyHeaders(newKey) },
    });
    expect(rotated.changed).toBe(true);
    expect(rotated.metadata['X-Minio-Internal-Server-Side-Encryption-Iv']).toBe(
      expected.after_rotation_iv_b64,
    );
    const sealed = fromBase64(
      rotated.metadata['X-Minio-Internal-Server-Side-Encryption-Sealed-Key']!,
    );
    expect(toHex(sealed.subarray(0, 4))).toBe('20001f00');

    const read = (key: Uint8Array) =>
      sse.openObject({
        bucket: inputs.bucket,
        object: inputs.object,
        metadata: rotated.metadata,
        headers: customerKeyHeaders(key),
        size: expected.stored_size,
        etag: expected.stored_etag,
      });
    const reader = await read(newKey);
    expect(reader.decrypt(fromHex(expected.stored_body_hex))).toEqual(fromHex(inputs.content.hex));
    expect(reader.etag).toBe(expected.client_etag);
    expect((await rejectS3Error(read(oldKey))).status).toBe(403);
  });

  it('agrees with the sio self-check record', () => {
    const [record] = sseVectors('self-check');
    const { expected } = record!;
    expect(expected.goldenV10_reproduced).toEqual({ reproduced: 128, total: 128 });
    expect(expected.goldenV20_reproduced).toEqual({ reproduced: 128, total: 128 });
    const invalid = new Map(
      dareFile.vectors
        .filter((vector) => vector.kind === 'dare-package-invalid')
        .map((vector) => [vector.name, vector]),
    );
    const entries = [...expected.invalidV10_errors, ...expected.invalidV20_errors];
    for (const entry of entries) {
      const vector = invalid.get(entry.vector);
      expect(vector, entry.vector).toBeDefined();
      const inputs = vector!.inputs as {
        key_hex: string;
        package_hex: string;
        version: string;
        expected_sequence_number: number;
      };
      expect((vector!.expected as { error: string }).error, entry.vector).toBe(entry.error);
      expect(() =>
        decryptDare(fromHex(inputs.key_hex), fromHex(inputs.package_hex), {
          minVersion: inputs.version === '1.0' ? 1 : 2,
          maxVersion: inputs.version === '1.0' ? 1 : 2,
          sequenceNumber: inputs.expected_sequence_number,
        }),
      ).toThrow();
    }
    expect(entries.length).toBe(36);
    expect(sseVectors('self-check').length).toBe(1);
  });
});
