/**
 * ETags of encrypted objects. MinIO stores the ETag of a single-part encrypted object sealed:
 * DARE-encrypted under HMAC-SHA256(objectKey, "SSE-etag"), written as lowercase hex (96 characters
 * for a 16-byte MD5). Multipart ETags (`<32 hex>-<parts>`) are stored in clear.
 */

import type { DareCipher } from '../dare/index.js';
import { decryptDare, encryptDare } from '../dare/index.js';
import { s3Error } from '../errors/s3-errors.js';
import type { SseType } from '../headers/sse-detect.js';
import { toHex } from '../util/go-base64.js';
import { hmac } from './object-key.js';

const ETAG_LABEL = new TextEncoder().encode('SSE-etag');
const MD5_HEX_LENGTH = 32;
const MAX_INT32 = 2 ** 31 - 1;

/** Derives the key that seals an object's ETag: HMAC-SHA256(objectKey, "SSE-etag"). */
export function deriveETagKey(objectKey: Uint8Array): Uint8Array {
  return hmac(objectKey, ETAG_LABEL);
}

/**
 * Seals ETag bytes (usually a 16-byte MD5). An empty ETag stays empty.
 *
 * @param options the DARE nonce and cipher; random nonce and AES-256-GCM by default.
 */
export function sealETag(
  objectKey: Uint8Array,
  etag: Uint8Array,
  options: { nonce?: Uint8Array; cipher?: DareCipher } = {},
): Uint8Array {
  if (etag.length === 0) return new Uint8Array(0);
  const key = deriveETagKey(objectKey);
  try {
    return encryptDare(key, etag, options);
  } finally {
    key.fill(0);
  }
}

/**
 * Unseals ETag bytes sealed by `sealETag` (DARE 1.0 or 2.0).
 *
 * @throws {DareError} when the sealed ETag does not decrypt.
 */
export function unsealETag(objectKey: Uint8Array, sealed: Uint8Array): Uint8Array {
  const key = deriveETagKey(objectKey);
  try {
    return decryptDare(key, sealed, { minVersion: 1 });
  } finally {
    key.fill(0);
  }
}

/** Reports whether ETag bytes look sealed: longer than 16 bytes (MinIO's `IsETagSealed`). */
export function isETagSealed(etag: Uint8Array): boolean {
  return etag.length > 16;
}

/**
 * Returns the client ETag of a stored ETag, as MinIO's `DecryptETag` does: a multipart ETag
 * (`<32 hex>-<decimal int32>`) passes through unchanged, any other value is unsealed from hex.
 *
 * @throws {S3Error} `ObjectTampered` for a malformed multipart ETag, `EncryptionMetadata` for a
 *   value that is not hex; a `DareError` when the sealed ETag does not decrypt.
 */
export function decryptETag(objectKey: Uint8Array, storedETag: string): string {
  if (storedETag.includes('-')) {
    if (isMultipartETag(storedETag)) return storedETag;
    throw s3Error(
      'ObjectTampered',
      `the stored multipart ETag ${JSON.stringify(storedETag)} is malformed`,
    );
  }
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(storedETag)) {
    throw s3Error('ObjectTampered', `the stored ETag ${JSON.stringify(storedETag)} is not hex`);
  }
  return toHex(unsealETag(objectKey, new Uint8Array(Buffer.from(storedETag, 'hex'))));
}

/**
 * Returns the ETag a client sees, as MinIO does. A 32-character stored ETag and a multipart ETag
 * are returned as stored. SSE-C and SSE-KMS show the last 32 hex characters of the sealed value
 * (its DARE tag), because the sealed MD5 may be random. SSE-S3 shows the unsealed MD5, which needs
 * the object key.
 *
 * @throws as `decryptETag` for SSE-S3.
 */
export function clientETag(
  type: SseType,
  storedETag: string,
  objectKey: Uint8Array | undefined,
  options: { multipart?: boolean } = {},
): string {
  if (storedETag.length === MD5_HEX_LENGTH || options.multipart) return storedETag;
  if (type === 'SSE-C' || type === 'SSE-KMS') {
    return storedETag.length > MD5_HEX_LENGTH ? storedETag.slice(-MD5_HEX_LENGTH) : storedETag;
  }
  if (!objectKey) throw new TypeError('clientETag: SSE-S3 ETags need the object key');
  return decryptETag(objectKey, storedETag);
}

/** Reports whether `etag` has the multipart form `<32 hex>-<decimal int32>`. */
export function isMultipartETag(etag: string): boolean {
  const match = /^([0-9a-fA-F]{32})-\+?(\d+)$/.exec(etag);
  return match !== null && Number(match[2]) <= MAX_INT32;
}
