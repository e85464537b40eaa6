/**
 * Creating and opening the seal of an object. Creating seals a fresh object key under the SSE-C
 * key or a new KMS data key and writes it as metadata. Opening recovers the object key from stored
 * metadata.
 */

import type { KMS } from '@kmskit/core';
import { S3Error } from '../errors/s3-error.js';
import { s3Error } from '../errors/s3-errors.js';
import type { CustomerKey } from '../headers/sse-c-headers.js';
import type { SseType } from '../headers/sse-detect.js';
import type { SseRequest } from '../headers/sse-request.js';
import { objectKmsContext } from '../keys/kms-context.js';
import { generateObjectKey, sealObjectKey, unsealObjectKey } from '../keys/object-key.js';
import {
  createSseCMetadata,
  createSseKmsMetadata,
  createSseS3Metadata,
} from '../metadata/metadata-create.js';
import type { ObjectMetadata } from '../metadata/metadata-names.js';
import {
  parseSseCMetadata,
  parseSseKmsMetadata,
  parseSseS3Metadata,
  type SseKmsMetadata,
} from '../metadata/metadata-parse.js';
import { decryptDataKey, generateDataKey } from './kms-keys.js';

/** A new object key and the metadata entries that store it sealed. */
export interface ObjectSeal {
  /** The SSE type. */
  type: SseType;
  /** The 32-byte object key. Zero it when done. */
  objectKey: Uint8Array;
  /** The encryption entries to store with the object. */
  metadata: Record<string, string>;
  /** The SSE-C key MD5 to echo, for SSE-C. */
  customerKeyMd5?: string;
}

/**
 * Generates an object key for `bucket`/`object` and seals it as `request` specifies. SSE-S3 and SSE-KMS
 * make one KMS call.
 */
export async function createObjectSeal(
  kms: KMS | undefined,
  request: SseRequest,
  bucket: string,
  object: string,
  signal?: AbortSignal,
): Promise<ObjectSeal> {
  if (request.type === 'SSE-C') {
    const externalKey = request.key.bytes;
    const objectKey = generateObjectKey(externalKey);
    const sealedKey = sealObjectKey(objectKey, externalKey, 'SSE-C', bucket, object);
    return {
      type: 'SSE-C',
      objectKey,
      metadata: createSseCMetadata(sealedKey),
      customerKeyMd5: request.key.md5,
    };
  }

  const clientContext = request.type === 'SSE-KMS' ? request.context : undefined;
  const keyId = request.type === 'SSE-KMS' ? request.keyId : '';
  const context = objectKmsContext(bucket, object, clientContext);
  const dataKey = await generateDataKey(kms, request.type, keyId, context, signal);
  try {
    const externalKey = dataKey.plaintext!;
    const objectKey = generateObjectKey(externalKey);
    const sealedKey = sealObjectKey(objectKey, externalKey, request.type, bucket, object);
    const fields = { keyId: dataKey.keyId, kmsDataKey: dataKey.ciphertext, sealedKey };
    const metadata =
      request.type === 'SSE-KMS'
        ? createSseKmsMetadata({ ...fields, context: clientContext })
        : createSseS3Metadata(fields);
    return { type: request.type, objectKey, metadata };
  } finally {
    dataKey.zero();
  }
}

/**
 * Recovers the object key of a stored object. SSE-C needs the customer key; SSE-S3 and SSE-KMS
 * make one KMS call.
 *
 * @throws {S3Error} `XMinioEncryptionError` for malformed metadata, `SecretKeyMismatch` (403) for
 *   a wrong SSE-C key, `ObjectTampered` when an SSE-S3 or SSE-KMS seal does not open with the data
 *   key the KMS returned, and the KMS errors of `decryptDataKey`.
 */
export async function openObjectSeal(
  kms: KMS | undefined,
  type: SseType,
  metadata: ObjectMetadata,
  customerKey: CustomerKey | undefined,
  bucket: string,
  object: string,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (type === 'SSE-C') {
    if (!customerKey) throw new TypeError('openObjectSeal: SSE-C objects need the customer key');
    return unsealObjectKey(parseSseCMetadata(metadata), customerKey.bytes, 'SSE-C', bucket, object);
  }

  const parsed: SseKmsMetadata =
    type === 'SSE-KMS'
      ? parseSseKmsMetadata(metadata)
      : { ...parseSseS3Metadata(metadata), context: undefined };
  const clientContext = parsed.context;
  const context = objectKmsContext(bucket, object, clientContext);
  const dataKey = await decryptDataKey(kms, type, parsed.keyId, parsed.kmsDataKey, context, signal);
  try {
    return unsealObjectKey(parsed.sealedKey, dataKey, type, bucket, object);
  } catch (error) {
    if (S3Error.isInstance(error) && error.reason === 'SecretKeyMismatch') {
      throw s3Error(
        'ObjectTampered',
        `the ${type} seal of ${bucket}/${object} does not open with the KMS data key: the metadata was modified or belongs to another object`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    dataKey.fill(0);
  }
}
