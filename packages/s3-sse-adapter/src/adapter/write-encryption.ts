/**
 * The encryption of a write: the one its headers request, else the bucket's default encryption,
 * else the adapter's automatic encryption, else none.
 */

import { type BucketEncryptionConfig, parseBucketEncryption } from '../bucket/bucket-encryption.js';
import type { HeaderInput } from '../headers/header-lookup.js';
import { parseSseRequest, type SseRequest } from '../headers/sse-request.js';

/** Automatic encryption for writes that neither ask for SSE nor hit a bucket default. */
export type AutoEncryption = 'SSE-S3' | 'SSE-KMS';

/** What decides the encryption of a write. */
export interface WriteEncryptionInput {
  headers?: HeaderInput;
  /** The bucket's default encryption: a parsed configuration or its stored XML. */
  bucketEncryption?: BucketEncryptionConfig | string;
  copyDestination?: boolean;
  secure?: boolean;
}

/**
 * Returns the encryption of a write, or `undefined` for none.
 *
 * @throws {S3Error} for invalid SSE headers or an invalid stored bucket configuration.
 */
export function resolveWriteEncryption(
  input: WriteEncryptionInput,
  autoEncryption: AutoEncryption | undefined,
): SseRequest | undefined {
  const requested = parseSseRequest(input.headers, {
    copyDestination: input.copyDestination,
    secure: input.secure,
  });
  if (requested) return requested;

  const config =
    typeof input.bucketEncryption === 'string'
      ? parseBucketEncryption(input.bucketEncryption)
      : input.bucketEncryption;
  if (config?.algorithm === 'AES256') return { type: 'SSE-S3' };
  if (config?.algorithm === 'aws:kms') {
    return { type: 'SSE-KMS', keyId: config.keyId, context: undefined };
  }

  if (autoEncryption === 'SSE-S3') return { type: 'SSE-S3' };
  if (autoEncryption === 'SSE-KMS') return { type: 'SSE-KMS', keyId: '', context: undefined };
  return undefined;
}
