import { describe, expect, it } from 'vitest';
import {
  clientETag,
  decryptETag,
  deriveETagKey,
  isETagSealed,
  sealETag,
  unsealETag,
} from '../src/index.js';
import { cipherOf, fromHex, REASON_OF, sseVectors, toHex } from './sse-helpers.js';

describe('ETag vectors', () => {
  it('seals ETags with a fixed nonce', () => {
    const vectors = sseVectors('etag-seal');
    for (const { name, inputs, expected } of vectors) {
      const objectKey = fromHex(inputs.object_key_hex);
      expect(toHex(deriveETagKey(objectKey)), name).toBe(expected.etag_key_hex);
      const sealed = sealETag(objectKey, fromHex(inputs.etag_hex), {
        nonce: fromHex(inputs.dare_nonce_hex),
        cipher: cipherOf(inputs.cipher_suite),
      });
      expect(toHex(sealed), name).toBe(expected.sealed_etag_hex);
      if (sealed.length > 0) {
        expect(clientETag('SSE-KMS', toHex(sealed), undefined), name).toBe(
          expected.client_visible_etag_for_SSE_C_or_KMS,
        );
        expect(clientETag('SSE-C', toHex(sealed), undefined), name).toBe(
          expected.client_visible_etag_for_SSE_C_or_KMS,
        );
      }
    }
    expect(vectors.length).toBe(3);
  });

  it('round-trips ETags with random nonces', () => {
    const vectors = sseVectors('etag-seal-roundtrip');
    for (const { name, inputs, expected } of vectors) {
      const objectKey = fromHex(inputs.object_key_hex);
      const etag = fromHex(inputs.etag_hex);
      const sealed = sealETag(objectKey, etag);
      expect(sealed.length, name).toBe(expected.sealed_len);
      const back = sealed.length === 0 ? new Uint8Array(0) : unsealETag(objectKey, sealed);
      expect(toHex(back) === inputs.etag_hex, name).toBe(expected.roundtrip_equal);
    }
    expect(vectors.length).toBe(4);
  });

  it('decrypts stored ETags', () => {
    const vectors = sseVectors('etag-unseal');
    for (const { name, inputs, expected } of vectors) {
      const objectKey = fromHex(inputs.object_key_hex);
      if (inputs.sealed_etag_hex !== undefined) {
        const sealed = fromHex(inputs.sealed_etag_hex);
        expect(toHex(sealed.subarray(0, 16)), name).toBe(expected.packages[0].header_hex);
        expect(toHex(unsealETag(objectKey, sealed)), name).toBe(expected.etag_hex);
        const zeroed = sealed.slice();
        zeroed[0] = 0;
        expect(() => unsealETag(objectKey, zeroed), name).toThrow(/version/);
        continue;
      }
      if (expected.error === null) {
        expect(decryptETag(objectKey, inputs.stored_etag), name).toBe(expected.etag);
        continue;
      }
      expect(() => decryptETag(objectKey, inputs.stored_etag), name).toThrow();
      const reason = REASON_OF[expected.error];
      if (reason) {
        expect(() => decryptETag(objectKey, inputs.stored_etag), name).toThrow(
          expect.objectContaining({ reason }),
        );
      }
    }
    expect(vectors.length).toBe(9);
  });

  it('tells sealed ETags by length', () => {
    const vectors = sseVectors('etag-is-sealed');
    for (const { name, inputs, expected } of vectors) {
      expect(isETagSealed(fromHex(inputs.etag_hex)), name).toBe(expected.is_sealed);
    }
    expect(vectors.length).toBe(4);
  });
});
