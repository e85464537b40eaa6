/**
 * @kmskit/s3-sse-adapter: S3 server-side encryption (SSE-S3, SSE-KMS, SSE-C) with MinIO's sealed
 * keys, metadata and DARE object format, for S3 servers written in TypeScript.
 */

export type { StoredPart } from './adapter/decrypt-streams.js';
export type {
  CustomerKeyRotationInput,
  KmsRotationInput,
  RotatedMetadata,
} from './adapter/key-rotation.js';
export type {
  CompletedMultipart,
  CompleteMultipartInput,
  OpenMultipartInput,
} from './adapter/multipart-upload.js';
export { MultipartUpload } from './adapter/multipart-upload.js';
export type { PlannedRead } from './adapter/object-reader.js';
export { ObjectReader } from './adapter/object-reader.js';
export type { UploadETags } from './adapter/object-upload.js';
export { ObjectUpload } from './adapter/object-upload.js';
export { checkReadRequest, type ReadRequestInput } from './adapter/read-checks.js';
export { type ResponseHeaders, sseResponseHeaders } from './adapter/response-headers.js';
// High-level API for S3 servers.
export type {
  MultipartInit,
  ReadInput,
  SseAdapterOptions,
  WriteInput,
} from './adapter/sse-adapter.js';
export { createSseAdapter, SseAdapter } from './adapter/sse-adapter.js';
export type { AutoEncryption } from './adapter/write-encryption.js';
// Bucket default encryption.
export {
  type BucketEncryptionConfig,
  parseBucketEncryption,
  S3_XML_NAMESPACE,
  serializeBucketEncryption,
} from './bucket/bucket-encryption.js';
// DARE (minio/sio) format.
export type {
  Aead,
  AeadBackend,
  AeadOpener,
  DareCipher,
  DareDecryptOptions,
  DareEncryptOptions,
  DareEngine,
  DareErrorCode,
} from './dare/index.js';
export {
  createDareDecryptStream,
  createDareDecryptTransform,
  createDareEncryptStream,
  createDareEncryptTransform,
  createNodeAeadBackend,
  DareDecryptor,
  DareEncryptor,
  DareError,
  decryptDare,
  decryptedSize,
  defaultAeadBackend,
  encryptDare,
  encryptedSize,
  HEADER_SIZE,
  loadNodeCrypto,
  MAX_CIPHERTEXT_SIZE,
  MAX_PACKAGE_SIZE,
  MAX_PAYLOAD_SIZE,
  MAX_PLAINTEXT_SIZE,
  nobleAeadBackend,
  PACKAGE_OVERHEAD,
  selectAeadBackend,
  TAG_SIZE,
} from './dare/index.js';
// Errors.
export { escapeXml, S3Error, type S3ErrorOptions, type S3ErrorReason } from './errors/s3-error.js';
export { checkClientMetadata } from './headers/client-metadata.js';
// Request headers.
export type { HeaderInput } from './headers/header-lookup.js';
export {
  AES256,
  AWS_KMS,
  KMS_ARN_PREFIX,
  REQUEST_HEADERS,
  SENSITIVE_HEADERS,
  SSE_HEADERS,
} from './headers/header-names.js';
export { CustomerKey, parseSseCCopyHeaders, parseSseCHeaders } from './headers/sse-c-headers.js';
export {
  isSseCCopyRequested,
  isSseCRequested,
  isSseKmsRequested,
  isSseS3Requested,
  requestedSseType,
  type SseType,
} from './headers/sse-detect.js';
export {
  parseKmsContextHeader,
  parseKmsKeyId,
  parseSseKmsHeaders,
  type SseKmsRequest,
} from './headers/sse-kms-headers.js';
export {
  type ParseSseRequestOptions,
  parseSseRequest,
  type SseRequest,
} from './headers/sse-request.js';
export { parseSseS3Headers } from './headers/sse-s3-headers.js';
export {
  decryptMetadataBlob,
  deriveMetadataKey,
  encryptMetadataBlob,
  type MetadataBaseKey,
} from './keys/derived-keys.js';
export {
  clientETag,
  decryptETag,
  deriveETagKey,
  isETagSealed,
  isMultipartETag,
  sealETag,
  unsealETag,
} from './keys/etag.js';
export { objectKmsContext } from './keys/kms-context.js';
// Object keys, ETags, KMS context.
export {
  deriveSealingKey,
  generateIV,
  generateObjectKey,
  objectPath,
  type SealedObjectKey,
  type SealOptions,
  sealObjectKey,
  unsealObjectKey,
} from './keys/object-key.js';
export {
  createSseCMetadata,
  createSseKmsMetadata,
  createSseS3Metadata,
  type KmsSealFields,
} from './metadata/metadata-create.js';
export {
  isCompressed,
  isEncrypted,
  isMultipart,
  isSseCEncrypted,
  isSseKmsEncrypted,
  isSseS3Encrypted,
  sseTypeOf,
} from './metadata/metadata-detect.js';
// Stored metadata.
export {
  LEGACY_SEAL_ALGORITHM,
  META,
  type ObjectMetadata,
  SEAL_ALGORITHM,
} from './metadata/metadata-names.js';
export {
  type KmsSealMetadata,
  parseSseCMetadata,
  parseSseKmsMetadata,
  parseSseS3Metadata,
  type SseKmsMetadata,
} from './metadata/metadata-parse.js';
export { removeInternalEntries, removeSensitiveHeaders } from './metadata/metadata-strip.js';
export type {
  EncryptedRange,
  HttpRange,
  PartKeyLookup,
  RangeDecryptOptions,
  RangeSegment,
  ResolvedRange,
} from './range/index.js';

// Range and multipart arithmetic.
export {
  createDareRangeDecryptStream,
  createDareRangeDecryptTransform,
  DareRangeDecryptor,
  decryptDareRange,
  decryptedPartSizes,
  derivePartKey,
  derivePartNonce,
  getEncryptedRange,
  InvalidRangeError,
  parseRangeHeader,
  resolveRange,
} from './range/index.js';
export { goPathClean, goPathJoin } from './util/go-path.js';
