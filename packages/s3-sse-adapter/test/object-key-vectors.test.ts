import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  decryptDare,
  deriveSealingKey,
  generateObjectKey,
  goPathJoin,
  LEGACY_SEAL_ALGORITHM,
  parseSseCCopyHeaders,
  parseSseCHeaders,
  parseSseCMetadata,
  type SealedObjectKey,
  type SseType,
  sealObjectKey,
  unsealObjectKey,
} from '../src/index.js';
import {
  catchS3Error,
  cipherOf,
  fromBase64,
  fromHex,
  REASON_OF,
  sseVector,
  sseVectors,
  toBase64,
  toHex,
} from './sse-helpers.js';

describe('object key vectors', () => {
  it('generates object keys by HMAC', () => {
    const vectors = sseVectors('object-key-generate');
    for (const { name, inputs, expected } of vectors) {
      const key = generateObjectKey(fromHex(inputs.ext_key_hex), fromHex(inputs.random_hex));
      expect(toHex(key), name).toBe(expected.object_key_hex);
    }
    expect(vectors.length).toBe(1);
  });

  it('rejects short random input', () => {
    const vectors = sseVectors('object-key-generate-behaviour');
    for (const { name, inputs, expected } of vectors) {
      const limit = inputs.random_limit_bytes;
      const random = limit === null ? undefined : new Uint8Array(limit).fill(0x5a);
      const generate = () => generateObjectKey(fromHex(inputs.ext_key_hex), random);
      if (expected.fatal) {
        expect(generate, name).toThrow(RangeError);
        continue;
      }
      const key = generate();
      expect(key.length, name).toBe(32);
      expect(
        key.some((byte) => byte !== 0),
        name,
      ).toBe(expected.result_nonzero);
    }
    expect(vectors.length).toBe(4);
  });

  it('seals with fixed IV and nonce', () => {
    const vectors = sseVectors('object-key-seal');
    for (const { name, inputs, expected } of vectors) {
      const externalKey = fromHex(inputs.ext_key_hex);
      const iv = fromHex(inputs.iv_hex);
      expect(goPathJoin(inputs.bucket, inputs.object), name).toBe(inputs.path_join);
      const kek = deriveSealingKey(externalKey, iv, inputs.domain, inputs.bucket, inputs.object);
      expect(toHex(kek), name).toBe(expected.sealing_key_hex);

      const objectKey = fromHex(inputs.object_key_hex);
      const sealed = sealObjectKey(
        objectKey,
        externalKey,
        inputs.domain,
        inputs.bucket,
        inputs.object,
        {
          iv,
          nonce: fromHex(inputs.dare_nonce_hex),
          cipher: cipherOf(inputs.cipher_suite),
        },
      );
      expect(toHex(sealed.key), name).toBe(expected.sealed_key_hex);
      expect(toBase64(sealed.key), name).toBe(expected.sealed_key_b64);
      expect(toBase64(sealed.iv), name).toBe(expected.iv_b64);
      const unsealed = unsealObjectKey(
        sealed,
        externalKey,
        inputs.domain,
        inputs.bucket,
        inputs.object,
      );
      expect(toHex(unsealed), name).toBe(inputs.object_key_hex);
    }
    expect(vectors.length).toBe(14);
  });

  it('unseals only with the seal parameters', () => {
    const vectors = sseVectors('object-key-seal-behaviour');
    for (const { name, inputs, expected } of vectors) {
      const objectKey = generateObjectKey(fromHex(inputs.seal.ext_key_hex));
      const { seal, unseal } = inputs;
      let sealed: SealedObjectKey = sealObjectKey(
        objectKey,
        fromHex(seal.ext_key_hex),
        seal.domain,
        seal.bucket,
        seal.object,
        { iv: fromHex(seal.iv_hex) },
      );
      if (inputs.relabel_sealed_key_algorithm) {
        sealed = { ...sealed, algorithm: inputs.relabel_sealed_key_algorithm };
      }
      const open = () =>
        unsealObjectKey(
          sealed,
          fromHex(unseal.ext_key_hex),
          unseal.domain,
          unseal.bucket,
          unseal.object,
        );
      if (expected.error === null) {
        expect(open(), name).toEqual(objectKey);
      } else {
        const error = catchS3Error(open);
        expect(error.reason, name).toBe(REASON_OF[expected.error]);
        expect(error.status, name).toBe(403);
      }
    }
    expect(vectors.length).toBe(6);
  });

  it('unseals legacy DARE-SHA256 seals', () => {
    const vectors = sseVectors('object-key-seal-legacy');
    for (const { name, inputs, expected } of vectors) {
      const externalKey = fromHex(inputs.ext_key_hex);
      const iv = fromHex(inputs.iv_hex);
      const kek = createHash('sha256').update(externalKey).update(iv).digest();
      expect(kek.toString('hex'), name).toBe(expected.sealing_key_hex);
      expect(toBase64(fromHex(expected.sealed_key_hex)), name).toBe(expected.sealed_key_b64);
      const sealed = {
        algorithm: LEGACY_SEAL_ALGORITHM,
        iv,
        key: fromHex(expected.sealed_key_hex),
      };
      // Legacy seals bind neither bucket, object nor SSE type.
      for (const [bucket, object] of [
        ['bucket', 'object'],
        ['other', 'path/x'],
      ]) {
        const objectKey = unsealObjectKey(sealed, externalKey, 'SSE-C', bucket!, object!);
        expect(toHex(objectKey), name).toBe(inputs.object_key_hex);
      }
    }
    expect(vectors.length).toBe(1);
  });

  it('unseals MinIO-written SSE-C keys', () => {
    const vectors = sseVectors('object-key-unseal');
    for (const { name, inputs, expected } of vectors) {
      if (!inputs.headers) {
        // The generated shape: the same MinIO-written seal, with every intermediate value.
        const clientKey = new TextEncoder().encode(inputs.client_key_ascii);
        expect(toBase64(clientKey), name).toBe(inputs.client_key_b64);
        expect(createHash('md5').update(clientKey).digest('base64'), name).toBe(
          expected.client_key_md5_b64,
        );
        const iv = fromBase64(inputs.iv_b64);
        const kek = deriveSealingKey(
          clientKey,
          iv,
          inputs.domain as SseType,
          inputs.bucket,
          inputs.object,
        );
        expect(toHex(kek), name).toBe(expected.sealing_key_hex);
        const sealedBytes = fromBase64(inputs.sealed_key_b64);
        const packages = expected.sealed_key_packages;
        expect(packages, name).toHaveLength(1);
        expect(toHex(sealedBytes.subarray(0, 16)), name).toBe(packages[0].header_hex);
        expect(toHex(sealedBytes.subarray(-16)), name).toBe(packages[0].tag_hex);
        expect(toHex(decryptDare(kek, sealedBytes)), name).toBe(expected.object_key_hex);
        const sealed = { algorithm: inputs.algorithm, iv, key: sealedBytes };
        expect(
          toHex(unsealObjectKey(sealed, clientKey, 'SSE-C', inputs.bucket, inputs.object)),
          name,
        ).toBe(expected.object_key_hex);
        expect(
          catchS3Error(() => unsealObjectKey(sealed, clientKey, 'SSE-C', inputs.bucket, 'object2'))
            .reason,
        ).toBe('SecretKeyMismatch');
        continue;
      }
      const copy = Object.keys(inputs.headers).some((header) =>
        header.startsWith('X-Amz-Copy-Source'),
      );
      const open = () => {
        const key = (copy ? parseSseCCopyHeaders : parseSseCHeaders)(inputs.headers);
        return unsealObjectKey(
          parseSseCMetadata(inputs.metadata),
          key.bytes,
          'SSE-C',
          inputs.bucket,
          inputs.object,
        );
      };
      if (expected.error === null) {
        expect(toHex(open()), name).toBe(expected.object_key_hex);
        continue;
      }
      const error = catchS3Error(open);
      expect(error.reason, name).toBe(REASON_OF[expected.error]);
      if (expected.error === 'errMissingInternalSealAlgorithm') {
        expect(error.message, name).toBe(
          'The object metadata is missing the internal seal algorithm',
        );
      }
    }
    expect(vectors.length).toBe(9);
  });

  it('rejects changed unseal parameters', () => {
    const vectors = sseVectors('object-key-unseal-behaviour');
    let scenarios = 0;
    for (const { name, inputs, expected } of vectors) {
      const seal = sseVector(inputs.sealed_with);
      for (const [scenario, outcome] of Object.entries<{
        unseal_overrides: Record<string, string>;
        error: string | null;
      }>(expected.scenarios)) {
        scenarios++;
        const params = {
          ...seal.inputs,
          algorithm: 'DAREv2-HMAC-SHA256',
          ...outcome.unseal_overrides,
        };
        const sealed = {
          algorithm: params.algorithm,
          iv: fromBase64(seal.expected.iv_b64),
          key: fromBase64(seal.expected.sealed_key_b64),
        };
        const open = () =>
          unsealObjectKey(
            sealed,
            fromHex(params.ext_key_hex),
            params.domain,
            params.bucket,
            params.object,
          );
        if (outcome.error === null) {
          expect(toHex(open()), `${name} ${scenario}`).toBe(seal.inputs.object_key_hex);
        } else {
          expect(catchS3Error(open).reason, `${name} ${scenario}`).toBe('SecretKeyMismatch');
        }
      }
    }
    expect(vectors.length).toBe(1);
    expect(scenarios).toBe(5);
  });
});
