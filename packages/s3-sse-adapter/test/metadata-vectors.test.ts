import { describe, expect, it } from 'vitest';
import {
  createSseCMetadata,
  createSseS3Metadata,
  decryptMetadataBlob,
  deriveMetadataKey,
  encryptMetadataBlob,
  isEncrypted,
  isMultipart,
  isSseCEncrypted,
  isSseS3Encrypted,
  parseSseCMetadata,
  parseSseS3Metadata,
  removeInternalEntries,
  type SealedObjectKey,
} from '../src/index.js';
import { catchS3Error, cipherOf, fromHex, sseVectors, toHex } from './sse-helpers.js';

function sealedKeyOf(fields: {
  algorithm: string;
  iv_hex: string;
  key_hex: string;
}): SealedObjectKey {
  return { algorithm: fields.algorithm, iv: fromHex(fields.iv_hex), key: fromHex(fields.key_hex) };
}

function sealedKeyFields(sealed: SealedObjectKey) {
  return { algorithm: sealed.algorithm, iv_hex: toHex(sealed.iv), key_hex: toHex(sealed.key) };
}

describe('metadata vectors', () => {
  it('detects encryption from metadata', () => {
    const vectors = sseVectors('metadata-detect');
    const predicates = {
      is_multipart: isMultipart,
      is_encrypted: isEncrypted,
      sse_s3_is_encrypted: isSseS3Encrypted,
      ssec_is_encrypted: isSseCEncrypted,
    } as const;
    for (const { name, inputs, expected } of vectors) {
      const keys = Object.keys(expected) as (keyof typeof predicates)[];
      expect(keys, name).toHaveLength(1);
      expect(predicates[keys[0]!](inputs.metadata), name).toBe(expected[keys[0]!]);
    }
    expect(vectors.length).toBe(32);
  });

  it('parses SSE-S3 metadata with MinIO errors', () => {
    const vectors = sseVectors('metadata-parse-sse-s3');
    for (const { name, inputs, expected } of vectors) {
      if (expected.error !== null) {
        const error = catchS3Error(() => parseSseS3Metadata(inputs.metadata));
        expect(error.message, name).toBe(expected.error);
        expect(error.code, name).toBe('XMinioEncryptionError');
        expect(error.status, name).toBe(400);
        continue;
      }
      const parsed = parseSseS3Metadata(inputs.metadata);
      expect(parsed.keyId, name).toBe(expected.key_id);
      expect(toHex(parsed.kmsDataKey), name).toBe(expected.kms_data_key_hex);
      expect(sealedKeyFields(parsed.sealedKey), name).toEqual(expected.sealed_key);
    }
    expect(vectors.length).toBe(11);
  });

  it('parses SSE-C metadata with MinIO errors', () => {
    const vectors = sseVectors('metadata-parse-sse-c');
    for (const { name, inputs, expected } of vectors) {
      if (expected.error !== null) {
        const error = catchS3Error(() => parseSseCMetadata(inputs.metadata));
        expect(error.message, name).toBe(expected.error);
        continue;
      }
      expect(sealedKeyFields(parseSseCMetadata(inputs.metadata)), name).toEqual(
        expected.sealed_key,
      );
    }
    expect(vectors.length).toBe(8);
  });

  it('creates SSE-S3 metadata exactly', () => {
    const vectors = sseVectors('metadata-create-sse-s3');
    let refused = 0;
    for (const { name, inputs, expected } of vectors) {
      if (expected.fatal) {
        refused++;
        const sealedKey = {
          algorithm: inputs.sealed_key.algorithm,
          iv: new Uint8Array(32),
          key: new Uint8Array(64),
        };
        expect(
          () => createSseS3Metadata({ keyId: '', kmsDataKey: new Uint8Array(0), sealedKey }),
          name,
        ).toThrow(TypeError);
        continue;
      }
      const fields = {
        keyId: inputs.key_id,
        kmsDataKey: fromHex(inputs.kms_data_key_hex),
        sealedKey: sealedKeyOf(inputs.sealed_key),
      };
      const metadata = createSseS3Metadata(fields);
      expect(metadata, name).toEqual(expected.metadata);
      const parsed = parseSseS3Metadata(metadata);
      expect(parsed.keyId, name).toBe(inputs.key_id);
      expect(toHex(parsed.kmsDataKey), name).toBe(inputs.kms_data_key_hex);
      expect(sealedKeyFields(parsed.sealedKey), name).toEqual(inputs.sealed_key);
      expect(expected.parse_roundtrip_equal, name).toBe(true);
    }
    expect(vectors.length).toBe(5);
    expect(refused).toBe(1);
  });

  it('creates SSE-C metadata exactly', () => {
    const vectors = sseVectors('metadata-create-sse-c');
    for (const { name, inputs, expected } of vectors) {
      const metadata = createSseCMetadata(sealedKeyOf(inputs.sealed_key));
      expect(metadata, name).toEqual(expected.metadata);
      expect(sealedKeyFields(parseSseCMetadata(metadata)), name).toEqual(inputs.sealed_key);
    }
    expect(vectors.length).toBe(3);
  });

  it('removes internal entries', () => {
    const vectors = sseVectors('metadata-strip');
    for (const { name, inputs, expected } of vectors) {
      expect(removeInternalEntries(inputs.metadata), name).toEqual(expected.metadata);
    }
    expect(vectors.length).toBe(2);
  });

  it('encrypts metadata blobs', () => {
    const vectors = sseVectors('metadata-encrypt');
    for (const { name, inputs, expected } of vectors) {
      const objectKey = fromHex(inputs.object_key_hex);
      const data = new TextEncoder().encode(inputs.data_ascii);
      expect(toHex(deriveMetadataKey(objectKey, inputs.base_key)), name).toBe(
        expected.derived_key_hex,
      );
      const ciphertext = encryptMetadataBlob(objectKey, inputs.base_key, data, {
        nonce: fromHex(inputs.dare_nonce_hex),
        cipher: cipherOf(inputs.cipher_suite),
      });
      expect(toHex(ciphertext), name).toBe(expected.ciphertext_hex);
      expect(decryptMetadataBlob(objectKey, inputs.base_key, ciphertext), name).toEqual(data);
    }
    expect(vectors.length).toBe(2);
  });
});
