/**
 * The server-side encryption a request specifies. These are MinIO's presence checks: a header
 * counts as soon as it is present, even with an empty value. The parsers validate the values.
 */

import { type HeaderInput, type HeaderView, headerView } from './header-lookup.js';
import { AES256, AWS_KMS, SSE_HEADERS } from './header-names.js';

/** The server-side encryption types. */
export type SseType = 'SSE-S3' | 'SSE-KMS' | 'SSE-C';

/**
 * Reports whether the request specifies SSE-S3: `X-Amz-Server-Side-Encryption` is present and its
 * value is not `aws:kms` in any case. An empty value counts.
 */
export function isSseS3Requested(headers: HeaderInput | HeaderView): boolean {
  const view = headerView(headers);
  const value = view.get(SSE_HEADERS.sse);
  return value !== undefined && value.toLowerCase() !== AWS_KMS;
}

/**
 * Reports whether the request specifies SSE-KMS: a key-id or context header is present, or
 * `X-Amz-Server-Side-Encryption` is present with a value that is not `AES256` in any case.
 */
export function isSseKmsRequested(headers: HeaderInput | HeaderView): boolean {
  const view = headerView(headers);
  if (view.has(SSE_HEADERS.kmsKeyId) || view.has(SSE_HEADERS.kmsContext)) return true;
  const value = view.get(SSE_HEADERS.sse);
  return value !== undefined && value.toUpperCase() !== AES256;
}

/** Reports whether any of the three SSE-C headers is present (copy-source headers do not count). */
export function isSseCRequested(headers: HeaderInput | HeaderView): boolean {
  const view = headerView(headers);
  return (
    view.has(SSE_HEADERS.customerAlgorithm) ||
    view.has(SSE_HEADERS.customerKey) ||
    view.has(SSE_HEADERS.customerKeyMd5)
  );
}

/** Reports whether any of the three copy-source SSE-C headers is present. */
export function isSseCCopyRequested(headers: HeaderInput | HeaderView): boolean {
  const view = headerView(headers);
  return (
    view.has(SSE_HEADERS.copyCustomerAlgorithm) ||
    view.has(SSE_HEADERS.copyCustomerKey) ||
    view.has(SSE_HEADERS.copyCustomerKeyMd5)
  );
}

/**
 * Returns the SSE type the request asks for, checked in MinIO's order (SSE-S3, SSE-KMS, SSE-C), or
 * `undefined` when it asks for none. Conflicting headers are reported by `parseSseRequest`.
 */
export function requestedSseType(headers: HeaderInput | HeaderView): SseType | undefined {
  const view = headerView(headers);
  if (isSseS3Requested(view)) return 'SSE-S3';
  if (isSseKmsRequested(view)) return 'SSE-KMS';
  if (isSseCRequested(view)) return 'SSE-C';
  return undefined;
}
