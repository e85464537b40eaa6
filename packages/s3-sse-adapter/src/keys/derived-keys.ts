/**
 * Keys derived from an object key for per-object metadata blobs: MinIO encrypts the object
 * checksum (base key `object-checksum`) and the compression index (`compression-index`) with
 * DARE under HMAC-SHA256(objectKey, baseKey).
 */

import type { DareCipher } from '../dare/index.js';
import { decryptDare, encryptDare } from '../dare/index.js';
import { hmac } from './object-key.js';

/** Base keys MinIO derives metadata keys from. */
export type MetadataBaseKey = 'object-checksum' | 'compression-index';

/** Derives the key of a metadata blob: HMAC-SHA256(objectKey, baseKey). */
export function deriveMetadataKey(
  objectKey: Uint8Array,
  baseKey: MetadataBaseKey | string,
): Uint8Array {
  return hmac(objectKey, new TextEncoder().encode(baseKey));
}

/**
 * Encrypts a metadata blob with DARE under the derived key. Empty data stays empty.
 *
 * @param options the DARE nonce and cipher; random nonce and AES-256-GCM by default.
 */
export function encryptMetadataBlob(
  objectKey: Uint8Array,
  baseKey: MetadataBaseKey | string,
  data: Uint8Array,
  options: { nonce?: Uint8Array; cipher?: DareCipher } = {},
): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const key = deriveMetadataKey(objectKey, baseKey);
  try {
    return encryptDare(key, data, options);
  } finally {
    key.fill(0);
  }
}

/**
 * Decrypts a metadata blob written by `encryptMetadataBlob` or MinIO. Empty data stays empty.
 *
 * @throws {DareError} when the blob does not decrypt.
 */
export function decryptMetadataBlob(
  objectKey: Uint8Array,
  baseKey: MetadataBaseKey | string,
  data: Uint8Array,
): Uint8Array {
  if (data.length === 0) return new Uint8Array(0);
  const key = deriveMetadataKey(objectKey, baseKey);
  try {
    return decryptDare(key, data, { minVersion: 1 });
  } finally {
    key.fill(0);
  }
}
