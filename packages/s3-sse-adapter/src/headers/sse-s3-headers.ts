/** The strict SSE-S3 header check: `X-Amz-Server-Side-Encryption` must be exactly `AES256`. */

import { s3Error } from '../errors/s3-errors.js';
import { type HeaderInput, type HeaderView, headerView } from './header-lookup.js';
import { AES256, SSE_HEADERS } from './header-names.js';

/**
 * Checks that the request requests SSE-S3 with exactly `AES256` (AWS's rule; MinIO also accepts
 * other letter cases).
 *
 * @throws {S3Error} `InvalidEncryptionMethod` (400 `InvalidArgument`).
 */
export function parseSseS3Headers(headers: HeaderInput | HeaderView): void {
  const value = headerView(headers).get(SSE_HEADERS.sse);
  if (value !== AES256) {
    const quotedValue = value === undefined ? 'missing' : JSON.stringify(value.slice(0, 100));
    throw s3Error(
      'InvalidEncryptionMethod',
      `${SSE_HEADERS.sse} is ${quotedValue}: send exactly 'AES256' (SSE-S3) or 'aws:kms' (SSE-KMS)`,
    );
  }
}
