/**
 * The S3 errors of server-side encryption, with the codes, statuses and messages MinIO and AWS S3
 * send. Each factory takes an optional `detail` for logs; the wire message stays the standard one.
 */

import { KmsError } from '@kmskit/core';
import { S3Error, type S3ErrorReason } from './s3-error.js';

const SSE_C = 'Requests specifying Server Side Encryption with Customer provided keys';
const MALFORMED_XML =
  'The XML you provided was not well-formed or did not validate against our published schema';

interface Entry {
  code: string;
  status: number;
  message: string;
}

/** Code, status and message of each fixed S3 error, as MinIO and AWS S3 send them. */
const CATALOGUE: Partial<Record<S3ErrorReason, Entry>> = {
  InvalidEncryptionMethod: {
    code: 'InvalidArgument',
    status: 400,
    message:
      'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
  },
  InvalidEncryptionKeyID: {
    code: 'InvalidRequest',
    status: 400,
    message: 'The specified KMS KeyID contains unsupported characters',
  },
  IncompatibleEncryptionMethod: {
    code: 'InvalidArgument',
    status: 400,
    message:
      'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
  },
  InvalidCustomerAlgorithm: {
    code: 'InvalidArgument',
    status: 400,
    message: `${SSE_C} must provide a valid encryption algorithm.`,
  },
  MissingCustomerKey: {
    code: 'InvalidArgument',
    status: 400,
    message: `${SSE_C} must provide an appropriate secret key.`,
  },
  MissingCustomerKeyMD5: {
    code: 'InvalidArgument',
    status: 400,
    message: `${SSE_C} must provide the client calculated MD5 of the secret key.`,
  },
  InvalidCustomerKey: { code: 'AccessDenied', status: 403, message: 'Access Denied.' },
  CustomerKeyMD5Mismatch: {
    code: 'InvalidArgument',
    status: 400,
    message: 'The calculated MD5 hash of the key did not match the hash that was provided.',
  },
  SecretKeyMismatch: { code: 'AccessDenied', status: 403, message: 'Access Denied.' },
  InvalidSSEParameters: {
    code: 'InvalidArgument',
    status: 400,
    message: 'The provided encryption parameters did not match the ones used originally.',
  },
  InvalidEncryptionParameters: {
    code: 'InvalidRequest',
    status: 400,
    message: 'The encryption parameters are not applicable to this object.',
  },
  EncryptedObject: {
    code: 'InvalidRequest',
    status: 400,
    message:
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
  },
  SSEMultipartEncrypted: {
    code: 'InvalidRequest',
    status: 400,
    message:
      'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.',
  },
  InsecureSSECustomerRequest: {
    code: 'InvalidRequest',
    status: 400,
    message: `${SSE_C} must be made over a secure connection.`,
  },
  EncryptionHeaderOnRead: { code: 'BadRequest', status: 400, message: '400 BadRequest' },
  // MinIO returns 206 for a tampered object, which HTTP clients can take for partial content.
  // The adapter uses 500 so that no client reads the response as data.
  ObjectTampered: {
    code: 'XMinioObjectTampered',
    status: 500,
    message: 'The requested object was modified and may be compromised',
  },
  KMSNotConfigured: {
    code: 'NotImplemented',
    status: 501,
    message: 'Server side encryption specified but KMS is not configured',
  },
  KMSKeyNotFound: { code: 'KMS.NotFoundException', status: 400, message: 'Invalid keyId' },
  InvalidEncryptionContext: {
    code: 'InvalidArgument',
    status: 400,
    message:
      'The header x-amz-server-side-encryption-context must be standard base64 (with padding) of a JSON object whose values are strings',
  },
  CompressedObject: {
    code: 'NotImplemented',
    status: 501,
    message:
      'The object was compressed before it was encrypted (X-Minio-Internal-compression), which this server cannot read',
  },
  UnsupportedMetadata: {
    code: 'InvalidArgument',
    status: 400,
    message: 'Your metadata headers are not supported.',
  },
  LegacyStaticKeyObject: {
    code: 'NotImplemented',
    status: 501,
    message:
      "The object was encrypted with MinIO's legacy static master key and stores no KMS key id, which this server cannot read",
  },
};

/**
 * Creates the S3 error for `reason` with its standard code, status and message.
 *
 * @param detail what was wrong and how to fix it, for logs. Never pass secrets.
 */
export function s3Error(
  reason: S3ErrorReason,
  detail?: string,
  options: { cause?: unknown } = {},
): S3Error {
  const entry = CATALOGUE[reason];
  if (!entry) throw new TypeError(`s3Error: no fixed message for reason ${reason}`);
  return new S3Error({ ...entry, reason, detail, cause: options.cause });
}

/**
 * Creates MinIO's `XMinioEncryptionError` (400) for malformed encryption metadata. The message is
 * MinIO's crypto error text, such as "The internal encryption IV is malformed".
 */
export function encryptionMetadataError(message: string): S3Error {
  return new S3Error({
    code: 'XMinioEncryptionError',
    status: 400,
    message,
    reason: 'EncryptionMetadata',
  });
}

/**
 * Creates the `MalformedXML` (400) error of a rejected bucket encryption configuration. The reason
 * is appended to the standard message in parentheses and kept in `detail`.
 */
export function malformedBucketEncryption(reason: string): S3Error {
  return new S3Error({
    code: 'MalformedXML',
    status: 400,
    message: `${MALFORMED_XML} (${reason})`,
    reason: 'MalformedBucketEncryption',
    detail: reason,
  });
}

/**
 * Wraps a `KmsError` so that it carries its own code and status, as MinIO sends KMS errors. Other
 * values pass through unchanged.
 */
export function fromKmsError(error: unknown): unknown {
  if (!KmsError.isInstance(error)) return error;
  return new S3Error({
    code: error.code,
    status: error.status,
    message: error.message,
    reason: 'KmsError',
    cause: error,
  });
}
