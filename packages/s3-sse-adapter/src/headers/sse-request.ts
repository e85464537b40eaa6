/**
 * Classifying the SSE headers of a write request (PUT, CreateMultipartUpload, the destination of
 * CopyObject), in strict mode: `X-Amz-Server-Side-Encryption` must be exactly `AES256` or
 * `aws:kms`, as on AWS S3 (MinIO also accepts `AES256` in other letter cases).
 */

import { s3Error } from '../errors/s3-errors.js';
import { type HeaderInput, type HeaderView, headerView } from './header-lookup.js';
import { type CustomerKey, parseSseCHeaders } from './sse-c-headers.js';
import {
  isSseCCopyRequested,
  isSseCRequested,
  isSseKmsRequested,
  isSseS3Requested,
} from './sse-detect.js';
import { parseSseKmsHeaders } from './sse-kms-headers.js';
import { parseSseS3Headers } from './sse-s3-headers.js';

/** The encryption a write request specifies. */
export type SseRequest =
  | { type: 'SSE-S3' }
  | { type: 'SSE-KMS'; keyId: string; context: Record<string, string> | undefined }
  | { type: 'SSE-C'; key: CustomerKey };

/** Options of `parseSseRequest`. */
export interface ParseSseRequestOptions {
  /**
   * The request is the destination of a CopyObject or UploadPartCopy, so copy-source SSE-C headers
   * belong to its source and are allowed. @default false
   */
  copyDestination?: boolean;
  /**
   * Whether the request arrived over TLS. SSE-C keys over plain HTTP are rejected when `false`.
   * Leave it unset when TLS ends in front of the server. @default true
   */
  secure?: boolean;
}

/**
 * Returns the encryption a write request specifies, or `undefined` when it specifies none.
 *
 * @throws {S3Error} `InsecureSSECustomerRequest`, `IncompatibleEncryptionMethod` (SSE-S3 or
 *   SSE-KMS with SSE-C headers), `InvalidEncryptionParameters` (copy-source SSE-C headers on a
 *   request that is not a copy), and every error of the SSE-S3, SSE-KMS and SSE-C parsers.
 */
export function parseSseRequest(
  headers: HeaderInput | HeaderView | undefined,
  options: ParseSseRequestOptions = {},
): SseRequest | undefined {
  const view = headerView(headers);
  const s3 = isSseS3Requested(view);
  const kms = isSseKmsRequested(view);
  const ssec = isSseCRequested(view);
  const ssecCopy = isSseCCopyRequested(view);

  if (options.secure === false && (ssec || ssecCopy)) {
    throw s3Error('InsecureSSECustomerRequest', 'SSE-C headers arrived over plain HTTP: use HTTPS');
  }
  if ((s3 || kms) && ssec) {
    throw s3Error(
      'IncompatibleEncryptionMethod',
      'the request sends both X-Amz-Server-Side-Encryption(-Aws-Kms-Key-Id/-Context) and SSE-C headers: send one kind',
    );
  }
  if (ssecCopy && !options.copyDestination && (s3 || kms || ssec)) {
    throw s3Error(
      'InvalidEncryptionParameters',
      'copy-source SSE-C headers are only valid on CopyObject and UploadPartCopy',
    );
  }

  if (kms) {
    const { keyId, context } = parseSseKmsHeaders(view);
    return { type: 'SSE-KMS', keyId, context };
  }
  if (s3) {
    parseSseS3Headers(view);
    return { type: 'SSE-S3' };
  }
  if (ssec) return { type: 'SSE-C', key: parseSseCHeaders(view) };
  return undefined;
}
