/**
 * The adapter's two KMS calls: generating a data key when an SSE-S3 or SSE-KMS object is written,
 * and decrypting it when the object is read. KMS failures become S3 errors an S3 server can send.
 */

import { type DataKey, KeyNotFoundError, type KMS, KmsError } from '@kmskit/core';
import { fromKmsError, s3Error } from '../errors/s3-errors.js';

/** The SSE types that use the KMS. */
export type KmsSseType = 'SSE-S3' | 'SSE-KMS';

/**
 * Generates a data key for an SSE-S3 object (the KMS default key) or an SSE-KMS object (`keyId`,
 * or the default key when `keyId` is empty).
 *
 * @throws {S3Error} `KMSNotConfigured` (501) without a KMS or without a default key when one is
 *   needed; `KMSKeyNotFound` (400 `KMS.NotFoundException`) when the SSE-KMS key does not exist;
 *   `InvalidEncryptionKeyID` when the KMS rejects the key name; the KMS error's own code otherwise.
 */
export async function generateDataKey(
  kms: KMS | undefined,
  type: KmsSseType,
  keyId: string,
  context: Record<string, string>,
  signal?: AbortSignal,
): Promise<DataKey> {
  const client = requireKms(kms, type);
  if (keyId === '' && client.defaultKeyId === '') {
    throw s3Error(
      'KMSNotConfigured',
      `${type} needs the KMS default key, and none is configured: set the KMS client's defaultKeyId`,
    );
  }
  try {
    return await client.generateKey({ name: keyId || undefined, context }, { signal });
  } catch (error) {
    if (type === 'SSE-KMS' && KeyNotFoundError.isInstance(error)) {
      throw s3Error('KMSKeyNotFound', `the KMS key '${keyId}' does not exist`, { cause: error });
    }
    if (KmsError.isInstance(error) && error.code === 'kms:InvalidKeyName') {
      throw s3Error('InvalidEncryptionKeyID', error.message, { cause: error });
    }
    throw fromKmsError(error);
  }
}

/**
 * Decrypts the data key of a stored SSE-S3 or SSE-KMS object.
 *
 * @throws {S3Error} `KMSNotConfigured` without a KMS; the KMS error's own code otherwise (for
 *   example 404 `kms:KeyNotFound` when the key was deleted).
 */
export async function decryptDataKey(
  kms: KMS | undefined,
  type: KmsSseType,
  keyId: string,
  ciphertext: Uint8Array,
  context: Record<string, string>,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const client = requireKms(kms, type);
  if (keyId === '') {
    throw s3Error(
      'LegacyStaticKeyObject',
      `the ${type} object has no X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id entry`,
    );
  }
  try {
    return await client.decrypt({ name: keyId, ciphertext, context }, { signal });
  } catch (error) {
    throw fromKmsError(error);
  }
}

function requireKms(kms: KMS | undefined, type: KmsSseType): KMS {
  if (kms) return kms;
  throw s3Error('KMSNotConfigured', `${type} needs a KMS: pass \`kms\` to createSseAdapter`);
}
