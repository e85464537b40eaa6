/**
 * Whether stored metadata describes an encrypted object, and with which SSE type. These checks look
 * at entry presence only, never at values, as MinIO's do.
 */

import type { SseType } from '../headers/sse-detect.js';
import { ENCRYPTION_ENTRIES, hasEntry, META, type ObjectMetadata } from './metadata-names.js';

/**
 * Returns the SSE type of the object in MinIO's order: an SSE-KMS sealed key first, then SSE-S3,
 * then SSE-C. Returns `'unknown'` when other encryption entries are present without any sealed key
 * (reads of such objects fail as tampered), and `undefined` when the object is not encrypted.
 */
export function sseTypeOf(metadata: ObjectMetadata): SseType | 'unknown' | undefined {
  if (hasEntry(metadata, META.sseKmsSealedKey)) return 'SSE-KMS';
  if (hasEntry(metadata, META.sseS3SealedKey)) return 'SSE-S3';
  if (hasEntry(metadata, META.sseCSealedKey)) return 'SSE-C';
  return isEncrypted(metadata) ? 'unknown' : undefined;
}

/** Reports whether any encryption entry is present. */
export function isEncrypted(metadata: ObjectMetadata): boolean {
  return ENCRYPTION_ENTRIES.some((name) => hasEntry(metadata, name));
}

/** Reports whether the object has an SSE-S3 sealed key. */
export function isSseS3Encrypted(metadata: ObjectMetadata): boolean {
  return hasEntry(metadata, META.sseS3SealedKey);
}

/** Reports whether the object has an SSE-KMS sealed key. */
export function isSseKmsEncrypted(metadata: ObjectMetadata): boolean {
  return hasEntry(metadata, META.sseKmsSealedKey);
}

/** Reports whether the object has an SSE-C sealed key. */
export function isSseCEncrypted(metadata: ObjectMetadata): boolean {
  return hasEntry(metadata, META.sseCSealedKey);
}

/** Reports whether the encrypted-multipart marker is present (MinIO's `IsMultiPart`). */
export function isMultipart(metadata: ObjectMetadata): boolean {
  return hasEntry(metadata, META.encryptedMultipart);
}

/** Reports whether MinIO compressed the object before encrypting it. */
export function isCompressed(metadata: ObjectMetadata): boolean {
  return hasEntry(metadata, META.compression);
}
