/**
 * The checks MinIO runs before it reads an object (GET, HEAD, Select, copy source): do the request's
 * SSE headers fit the object, and are its stored sizes possible DARE sizes?
 */

import { decryptedSize } from '../dare/index.js';
import { s3Error } from '../errors/s3-errors.js';
import { type HeaderInput, type HeaderView, headerView } from '../headers/header-lookup.js';
import { REQUEST_HEADERS } from '../headers/header-names.js';
import {
  isSseCCopyRequested,
  isSseCRequested,
  isSseKmsRequested,
  isSseS3Requested,
  type SseType,
} from '../headers/sse-detect.js';
import { isMultipart, sseTypeOf } from '../metadata/metadata-detect.js';
import type { ObjectMetadata } from '../metadata/metadata-names.js';

/** The request and object properties that `checkReadRequest` checks. */
export interface ReadRequestInput {
  /** The stored metadata. */
  metadata: ObjectMetadata;
  /** The request headers. */
  headers?: HeaderInput | HeaderView;
  /** `GET` and `HEAD` reject `X-Amz-Server-Side-Encryption`; other values skip that check. */
  method?: string;
  /** The stored (encrypted) size of a single-part object; skipped when unknown. */
  storedSize?: number;
  /** The stored sizes of a multipart object's parts; checked when given. */
  partSizes?: readonly number[];
  /**
   * The object is the source of a copy; `X-Amz-Copy-Source` in `headers` means the same.
   * @default false
   */
  copySource?: boolean;
}

/**
 * Checks that a read request fits the object, as MinIO's `DecryptObjectInfo` does, and returns
 * the object's SSE type (`'unknown'` for encryption metadata without a sealed key), or `undefined`
 * when it is not encrypted.
 *
 * @throws {S3Error} `EncryptionHeaderOnRead` (400 `BadRequest`), `InvalidEncryptionParameters`
 *   (SSE-C headers for an unencrypted object), `EncryptedObject` (the object needs other
 *   parameters), `ObjectTampered` (a stored size no DARE stream can have).
 */
export function checkReadRequest(input: ReadRequestInput): SseType | 'unknown' | undefined {
  const view = headerView(input.headers);
  const method = input.method?.toUpperCase();
  if (
    (method === 'GET' || method === 'HEAD') &&
    (isSseS3Requested(view) || isSseKmsRequested(view))
  ) {
    throw s3Error(
      'EncryptionHeaderOnRead',
      'X-Amz-Server-Side-Encryption and the SSE-KMS headers are only valid on writes: remove them from GET and HEAD',
    );
  }

  const copySource = input.copySource === true || view.has(REQUEST_HEADERS.copySource);
  const type = sseTypeOf(input.metadata);
  const ssec = isSseCRequested(view);
  const ssecCopy = isSseCCopyRequested(view);
  if (type === undefined) {
    if (ssec && !copySource) {
      throw s3Error(
        'InvalidEncryptionParameters',
        'the object is not encrypted: remove the SSE-C headers',
      );
    }
    return undefined;
  }

  if (type === 'SSE-C' && !ssec && !ssecCopy) {
    throw s3Error('EncryptedObject', 'the object is SSE-C encrypted: send its SSE-C key headers');
  }
  if ((type === 'SSE-S3' || type === 'SSE-KMS') && !copySource && (ssec || ssecCopy)) {
    throw s3Error(
      'EncryptedObject',
      `the object is ${type} encrypted: remove the SSE-C headers from the request`,
    );
  }
  checkStoredSizes(input);
  return type;
}

function checkStoredSizes(input: ReadRequestInput): void {
  const sizes =
    isMultipart(input.metadata) && input.partSizes !== undefined
      ? input.partSizes
      : input.storedSize === undefined
        ? []
        : [input.storedSize];
  for (const size of sizes) {
    try {
      decryptedSize(size);
    } catch (error) {
      throw s3Error('ObjectTampered', `the stored size ${size} is not the size of a DARE stream`, {
        cause: error,
      });
    }
  }
}
