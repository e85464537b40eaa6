/** Removing entries that must not be stored (request secrets) or copied (another object's keys). */

import { SENSITIVE_HEADERS } from '../headers/header-names.js';
import { INTERNAL_CRYPTO_ENTRIES, type ObjectMetadata } from './metadata-names.js';

/**
 * Returns a copy of `metadata` without MinIO's internal encryption entries (sealed keys, IV,
 * algorithm, KMS key id, data key and context, multipart marker, SSE-C replication checksum).
 * Other entries, other `X-Minio-Internal-*` entries included, are kept. Names match in any case.
 */
export function removeInternalEntries(metadata: ObjectMetadata): Record<string, string> {
  return withoutNames(metadata, INTERNAL_CRYPTO_ENTRIES);
}

/**
 * Returns a copy of the headers (or user metadata) without both SSE-C key headers and the two
 * `X-Amz-Meta-X-Amz-Unencrypted-*` headers, which must never be stored. Names match in any case.
 */
export function removeSensitiveHeaders(
  headers: Readonly<Record<string, string>>,
): Record<string, string> {
  return withoutNames(headers, SENSITIVE_HEADERS);
}

function withoutNames(
  record: Readonly<Record<string, string>>,
  names: readonly string[],
): Record<string, string> {
  const drop = new Set(names.map((name) => name.toLowerCase()));
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    if (!drop.has(name.toLowerCase())) result[name] = value;
  }
  return result;
}
