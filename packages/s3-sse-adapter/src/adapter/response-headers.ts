/**
 * SSE response headers. PUT, GET, HEAD, CopyObject, UploadPart and (unlike MinIO, as on AWS S3)
 * CreateMultipartUpload and CompleteMultipartUpload send:
 *
 * - SSE-S3: `x-amz-server-side-encryption: AES256`;
 * - SSE-KMS: `aws:kms`, the key id with the `arn:aws:kms:` prefix, and the stored context
 *   (base64 of its canonical JSON) when one was stored;
 * - SSE-C: the algorithm `AES256` and the key MD5 the client sent.
 */

import { AES256, AWS_KMS, KMS_ARN_PREFIX } from '../headers/header-names.js';
import type { SseType } from '../headers/sse-detect.js';
import { getEntry, META, type ObjectMetadata } from '../metadata/metadata-names.js';

/** SSE response headers by lowercase name. */
export type ResponseHeaders = Record<string, string>;

/**
 * Returns the SSE response headers of an object.
 *
 * @param customerKeyMd5 the SSE-C key MD5 to echo; left out when `undefined`.
 */
export function sseResponseHeaders(
  type: SseType | undefined,
  metadata: ObjectMetadata,
  customerKeyMd5?: string,
): ResponseHeaders {
  switch (type) {
    case 'SSE-S3':
      return { 'x-amz-server-side-encryption': AES256 };
    case 'SSE-KMS': {
      const headers: ResponseHeaders = { 'x-amz-server-side-encryption': AWS_KMS };
      const keyId = getEntry(metadata, META.kmsKeyId);
      if (keyId) {
        headers['x-amz-server-side-encryption-aws-kms-key-id'] = keyId.startsWith(KMS_ARN_PREFIX)
          ? keyId
          : KMS_ARN_PREFIX + keyId;
      }
      const context = getEntry(metadata, META.kmsContext);
      if (context) headers['x-amz-server-side-encryption-context'] = context;
      return headers;
    }
    case 'SSE-C': {
      const headers: ResponseHeaders = {
        'x-amz-server-side-encryption-customer-algorithm': AES256,
      };
      if (customerKeyMd5) headers['x-amz-server-side-encryption-customer-key-md5'] = customerKeyMd5;
      return headers;
    }
    default:
      return {};
  }
}
