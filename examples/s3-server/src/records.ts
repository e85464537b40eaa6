/**
 * The JSON records the server stores next to object data. `internal` contains exactly the entries the
 * SSE adapter produced (`X-Minio-Internal-*`, MinIO's names), so objects written by MinIO can be
 * placed in the store by copying their metadata map.
 */

import { createHash } from 'node:crypto';

/** The metadata file of an object. */
export interface ObjectRecord {
  /** The object key. */
  key: string;
  /** The name of the data file in the bucket's `objects` folder. */
  dataFile: string;
  /** The number of stored bytes (the encrypted size for encrypted objects). */
  size: number;
  /** The stored ETag: the sealed ETag in hex, an MD5 in hex, or `<md5>-<parts>`. */
  etag: string;
  /** ISO 8601 time of the write. */
  lastModified: string;
  contentType: string;
  /** `x-amz-meta-*` headers by lowercase name. */
  userMetadata: Record<string, string>;
  /** The encryption entries from the SSE adapter (empty for unencrypted objects). */
  internal: Record<string, string>;
  /** The stored parts of a multipart object, in order. */
  parts?: StoredPartRecord[];
}

/** A part of a completed multipart object. */
export interface StoredPartRecord {
  /** The S3 part number, which selects the part key. */
  number: number;
  /** The number of stored bytes of the part. */
  size: number;
  /** The stored part ETag. */
  etag: string;
}

/** The metadata file of a multipart upload in progress. */
export interface UploadRecord {
  key: string;
  uploadId: string;
  initiated: string;
  contentType: string;
  userMetadata: Record<string, string>;
  /** The encryption entries from `createMultipartUpload` (empty when not encrypted). */
  internal: Record<string, string>;
}

/** The metadata file of an uploaded part. */
export interface PartRecord extends StoredPartRecord {
  /** The ETag the client received for the part, which CompleteMultipartUpload must repeat. */
  clientETag: string;
  /** The number of plaintext bytes. */
  plaintextSize: number;
  /** The name of the part's data file in the upload's folder. */
  dataFile: string;
}

/** Returns the file name stem of an object key: the hex SHA-256 of its UTF-8 bytes. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
