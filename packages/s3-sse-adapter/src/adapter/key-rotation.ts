/**
 * Key rotation without touching object data. Both kinds reseal the same object key, so the stored
 * body and the sealed ETag stay valid.
 *
 * - SSE-C: CopyObject onto itself with the old key in the copy-source SSE-C headers and the new key
 *   in the SSE-C headers. The stored IV is reused. Equal keys leave a current seal unchanged and
 *   upgrade a legacy `DARE-SHA256` seal.
 * - SSE-S3 and SSE-KMS: the object key is resealed under a fresh data key and a fresh IV, with the
 *   same or another KMS key and context. SSE-KMS objects never become SSE-S3 objects.
 */

import type { KMS } from '@kmskit/core';
import { S3Error } from '../errors/s3-error.js';
import { s3Error } from '../errors/s3-errors.js';
import { type HeaderInput, headerView } from '../headers/header-lookup.js';
import { parseSseCCopyHeaders, parseSseCHeaders } from '../headers/sse-c-headers.js';
import type { SseType } from '../headers/sse-detect.js';
import { clientETag } from '../keys/etag.js';
import { objectKmsContext } from '../keys/kms-context.js';
import { sealObjectKey, unsealObjectKey } from '../keys/object-key.js';
import {
  createSseCMetadata,
  createSseKmsMetadata,
  createSseS3Metadata,
} from '../metadata/metadata-create.js';
import { isMultipart, sseTypeOf } from '../metadata/metadata-detect.js';
import { META, type ObjectMetadata, SEAL_ALGORITHM } from '../metadata/metadata-names.js';
import { parseSseCMetadata, parseSseKmsMetadata } from '../metadata/metadata-parse.js';
import { removeInternalEntries } from '../metadata/metadata-strip.js';
import { generateDataKey } from './kms-keys.js';
import { openObjectSeal } from './object-seal.js';
import { type ResponseHeaders, sseResponseHeaders } from './response-headers.js';

/** The input of `rotateCustomerKey`. */
export interface CustomerKeyRotationInput {
  bucket: string;
  object: string;
  /** The object's stored metadata. */
  metadata: ObjectMetadata;
  /** The copy request's headers: old key in the copy-source SSE-C headers, new key in SSE-C. */
  headers: HeaderInput;
  /** The stored ETag; when given, the result carries the client ETag. */
  etag?: string;
}

/** The input of `rotateKmsKey`. */
export interface KmsRotationInput {
  bucket: string;
  object: string;
  /** The object's stored metadata. */
  metadata: ObjectMetadata;
  /**
   * The encryption after rotation. SSE-KMS without `keyId` keeps the stored key id, and without
   * `context` keeps the stored context. @default the object's current type, key and context
   */
  target?:
    | { type: 'SSE-S3' }
    | { type: 'SSE-KMS'; keyId?: string; context?: Record<string, string> };
  /** The stored ETag; when given, the result carries the client ETag. */
  etag?: string;
  /** Cancels the KMS calls. */
  signal?: AbortSignal;
}

/** Metadata after a rotation. */
export interface RotatedMetadata {
  /** Whether anything changed; when `false`, `metadata` is the input unchanged. */
  changed: boolean;
  /** The complete metadata to store: the input's entries with the new seal. */
  metadata: Record<string, string>;
  /** The SSE response headers of the request. */
  responseHeaders: ResponseHeaders;
  /** The ETag to send to the client, when the input had `etag`. Rotation never changes it. */
  clientETag?: string;
}

/**
 * Rotates the SSE-C key of an object in place.
 *
 * @throws {S3Error} `InvalidEncryptionParameters` when the object is not SSE-C encrypted; the
 *   SSE-C header errors; `InvalidSSEParameters` (400) when the old key does not open the seal but
 *   equals the new key; `AccessDenied` (403) when the old key is wrong.
 */
export function rotateCustomerKey(input: CustomerKeyRotationInput): RotatedMetadata {
  if (sseTypeOf(input.metadata) !== 'SSE-C') {
    throw s3Error(
      'InvalidEncryptionParameters',
      'only SSE-C objects rotate their customer key in place',
    );
  }
  const view = headerView(input.headers);
  const oldKey = parseSseCCopyHeaders(view);
  let newKey: ReturnType<typeof parseSseCHeaders> | undefined;
  let objectKey: Uint8Array | undefined;
  try {
    newKey = parseSseCHeaders(view);
    const sealed = parseSseCMetadata(input.metadata);
    try {
      objectKey = unsealObjectKey(sealed, oldKey.bytes, 'SSE-C', input.bucket, input.object);
    } catch (error) {
      if (
        S3Error.isInstance(error) &&
        error.reason === 'SecretKeyMismatch' &&
        oldKey.equals(newKey)
      ) {
        throw s3Error('InvalidSSEParameters', 'the key does not open the object', { cause: error });
      }
      throw error;
    }
    const responseHeaders = sseResponseHeaders('SSE-C', input.metadata, newKey.md5);
    const etag = rotatedETag('SSE-C', input.metadata, input.etag, objectKey);
    if (oldKey.equals(newKey) && sealed.algorithm === SEAL_ALGORITHM) {
      return { changed: false, metadata: { ...input.metadata }, responseHeaders, ...etag };
    }
    const resealed = sealObjectKey(objectKey, newKey.bytes, 'SSE-C', input.bucket, input.object, {
      iv: sealed.iv,
    });
    const metadata = { ...removeNames(input.metadata), ...createSseCMetadata(resealed) };
    return { changed: true, metadata, responseHeaders, ...etag };
  } finally {
    oldKey.zero();
    newKey?.zero();
    objectKey?.fill(0);
  }
}

/**
 * Rotates the KMS data key of an SSE-S3 or SSE-KMS object.
 *
 * @throws {S3Error} `InvalidEncryptionParameters` for objects of another type and for SSE-KMS to
 *   SSE-S3; the errors of `openObject` and `prepareUpload` for the KMS calls.
 */
export async function rotateKmsKey(
  kms: KMS | undefined,
  input: KmsRotationInput,
): Promise<RotatedMetadata> {
  const type = sseTypeOf(input.metadata);
  if (type !== 'SSE-S3' && type !== 'SSE-KMS') {
    throw s3Error(
      'InvalidEncryptionParameters',
      'only SSE-S3 and SSE-KMS objects rotate their KMS key',
    );
  }
  const target: NonNullable<KmsRotationInput['target']> = input.target ?? { type };
  if (type === 'SSE-KMS' && target.type === 'SSE-S3') {
    throw s3Error('InvalidEncryptionParameters', 'an SSE-KMS object cannot be rotated to SSE-S3');
  }

  const stored = type === 'SSE-KMS' ? parseSseKmsMetadata(input.metadata) : undefined;
  const keyId = target.type === 'SSE-KMS' ? (target.keyId ?? stored?.keyId ?? '') : '';
  const clientContext = target.type === 'SSE-KMS' ? (target.context ?? stored?.context) : undefined;
  const { bucket, object } = input;

  const objectKey = await openObjectSeal(
    kms,
    type,
    input.metadata,
    undefined,
    bucket,
    object,
    input.signal,
  );
  try {
    const context = objectKmsContext(bucket, object, clientContext);
    const dataKey = await generateDataKey(kms, target.type, keyId, context, input.signal);
    let sealEntries: Record<string, string>;
    try {
      const sealedKey = sealObjectKey(objectKey, dataKey.plaintext!, target.type, bucket, object);
      const fields = { keyId: dataKey.keyId, kmsDataKey: dataKey.ciphertext, sealedKey };
      sealEntries =
        target.type === 'SSE-KMS'
          ? createSseKmsMetadata({ ...fields, context: clientContext })
          : createSseS3Metadata(fields);
    } finally {
      dataKey.zero();
    }
    const metadata = { ...removeInternalEntries(input.metadata), ...sealEntries };
    if (isMultipart(input.metadata)) metadata[META.encryptedMultipart] = '';
    return {
      changed: true,
      metadata,
      responseHeaders: sseResponseHeaders(target.type, metadata),
      ...rotatedETag(target.type, input.metadata, input.etag, objectKey),
    };
  } finally {
    objectKey.fill(0);
  }
}

/**
 * Returns `{ clientETag }` for a stored ETag, or nothing without one. The ETag is sealed with the
 * object key, which rotation keeps, so it reads the same before and after. An SSE-S3 ETag that
 * does not unseal is returned as stored, as MinIO does.
 */
function rotatedETag(
  type: SseType,
  metadata: ObjectMetadata,
  etag: string | undefined,
  objectKey: Uint8Array,
): { clientETag?: string } {
  if (etag === undefined) return {};
  const multipart = isMultipart(metadata) && etag.includes('-');
  try {
    return { clientETag: clientETag(type, etag, objectKey, { multipart }) };
  } catch {
    return { clientETag: etag };
  }
}

/** Drops the three SSE-C seal entries (whatever their case) so that the new ones replace them. */
function removeNames(metadata: ObjectMetadata): Record<string, string> {
  const drop = new Set(
    [META.sealAlgorithm, META.iv, META.sseCSealedKey].map((name) => name.toLowerCase()),
  );
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata)) {
    if (!drop.has(name.toLowerCase())) result[name] = value;
  }
  return result;
}
