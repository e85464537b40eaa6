/** SSE request and response header names, spelled as MinIO canonicalises them, and their values. */

/** Names of the S3 server-side encryption headers. Lookups are case-insensitive. */
export const SSE_HEADERS = {
  /** `AES256` (SSE-S3) or `aws:kms` (SSE-KMS). */
  sse: 'X-Amz-Server-Side-Encryption',
  /** The SSE-KMS key id, optionally prefixed with `arn:aws:kms:`. */
  kmsKeyId: 'X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id',
  /** The SSE-KMS encryption context: base64 of a JSON object of strings. */
  kmsContext: 'X-Amz-Server-Side-Encryption-Context',
  /** The SSE-C algorithm, `AES256`. */
  customerAlgorithm: 'X-Amz-Server-Side-Encryption-Customer-Algorithm',
  /** The SSE-C key, base64 of 32 bytes. */
  customerKey: 'X-Amz-Server-Side-Encryption-Customer-Key',
  /** The SSE-C key MD5, base64 of the MD5 of the 32 key bytes. */
  customerKeyMd5: 'X-Amz-Server-Side-Encryption-Customer-Key-Md5',
  /** The SSE-C algorithm of a copy source. */
  copyCustomerAlgorithm: 'X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm',
  /** The SSE-C key of a copy source. */
  copyCustomerKey: 'X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key',
  /** The SSE-C key MD5 of a copy source. */
  copyCustomerKeyMd5: 'X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key-Md5',
} as const;

/** Other request headers the adapter reads. */
export const REQUEST_HEADERS = {
  copySource: 'X-Amz-Copy-Source',
  contentMd5: 'Content-Md5',
  replicationRequest: 'X-Minio-Source-Replication-Request',
} as const;

/** Request headers that must never be stored or echoed: the SSE-C keys and two legacy entries. */
export const SENSITIVE_HEADERS: readonly string[] = [
  SSE_HEADERS.customerKey,
  SSE_HEADERS.copyCustomerKey,
  'X-Amz-Meta-X-Amz-Unencrypted-Content-Length',
  'X-Amz-Meta-X-Amz-Unencrypted-Content-Md5',
];

/** The SSE-S3 value of `X-Amz-Server-Side-Encryption` and the only SSE-C algorithm. */
export const AES256 = 'AES256';
/** The SSE-KMS value of `X-Amz-Server-Side-Encryption`. */
export const AWS_KMS = 'aws:kms';
/** The prefix MinIO strips from SSE-KMS key ids and adds in responses. */
export const KMS_ARN_PREFIX = 'arn:aws:kms:';
