/** Writing the metadata entries of an encrypted object, exactly as MinIO writes them. */

import { type Context, encodeContext } from '@kmskit/core';
import type { SealedObjectKey } from '../keys/object-key.js';
import { encodeBase64 } from '../util/go-base64.js';
import { META, SEAL_ALGORITHM } from './metadata-names.js';

/** The fields that `createSseS3Metadata` and `createSseKmsMetadata` write. */
export interface KmsSealFields {
  /** The KMS key name that encrypted the data key. */
  keyId: string;
  /** The KMS ciphertext of the data key. */
  kmsDataKey: Uint8Array;
  /** The sealed object key. */
  sealedKey: SealedObjectKey;
}

/**
 * Returns the entries of an SSE-S3 object. The key id and data key are written only when both are
 * set; an empty pair describes MinIO's old static-key mode.
 *
 * @throws {TypeError} when the seal algorithm is not `DAREv2-HMAC-SHA256` or only one of key id
 *   and data key is set.
 */
export function createSseS3Metadata(fields: KmsSealFields): Record<string, string> {
  const metadata = sealEntries(fields.sealedKey, META.sseS3SealedKey);
  addKmsEntries(metadata, fields);
  return metadata;
}

/**
 * Returns the entries of an SSE-KMS object. The client's context is stored only when it has
 * entries, as base64 of its canonical JSON.
 *
 * @throws {TypeError} as `createSseS3Metadata`.
 */
export function createSseKmsMetadata(
  fields: KmsSealFields & { context?: Context | undefined },
): Record<string, string> {
  const metadata = sealEntries(fields.sealedKey, META.sseKmsSealedKey);
  addKmsEntries(metadata, fields);
  if (fields.context !== undefined && contextSize(fields.context) > 0) {
    metadata[META.kmsContext] = encodeBase64(encodeContext(fields.context));
  }
  return metadata;
}

/**
 * Returns the entries of an SSE-C object.
 *
 * @throws {TypeError} when the seal algorithm is not `DAREv2-HMAC-SHA256`.
 */
export function createSseCMetadata(sealedKey: SealedObjectKey): Record<string, string> {
  return sealEntries(sealedKey, META.sseCSealedKey);
}

function sealEntries(sealedKey: SealedObjectKey, sealedKeyEntry: string): Record<string, string> {
  if (sealedKey.algorithm !== SEAL_ALGORITHM) {
    throw new TypeError(
      `only ${SEAL_ALGORITHM} seals may be written, got ${JSON.stringify(sealedKey.algorithm)}`,
    );
  }
  return {
    [META.sealAlgorithm]: sealedKey.algorithm,
    [META.iv]: encodeBase64(sealedKey.iv),
    [sealedKeyEntry]: encodeBase64(sealedKey.key),
  };
}

function addKmsEntries(metadata: Record<string, string>, fields: KmsSealFields): void {
  const hasKeyId = fields.keyId !== '';
  const hasDataKey = fields.kmsDataKey.length > 0;
  if (hasKeyId !== hasDataKey) {
    throw new TypeError('the KMS key id and the KMS data key must be set together');
  }
  if (!hasKeyId) return;
  metadata[META.kmsKeyId] = fields.keyId;
  metadata[META.kmsDataKey] = encodeBase64(fields.kmsDataKey);
}

function contextSize(context: Context): number {
  return context instanceof Map ? context.size : Object.keys(context).length;
}
