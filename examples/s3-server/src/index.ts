/**
 * An example S3-compatible server with server-side encryption through `@kmskit/s3-sse-adapter`.
 */

export { isValidBucketName } from './bucket-names.js';
export { type ErrorResponse, ServerError } from './errors.js';
export { storedObjectPaths } from './object-store.js';
export type { ObjectRecord, PartRecord, StoredPartRecord, UploadRecord } from './records.js';
export type { S3ServerLogEntry } from './router.js';
export { type S3Server, type S3ServerOptions, startS3Server } from './s3-server.js';
export { type Credentials, MAX_CLOCK_SKEW_MS } from './sigv4.js';
