/**
 * Files in MinIO's stored form: the DARE body written by `kmskit encrypt`, and beside it a JSON
 * file with the object's name, sizes, stored ETag and MinIO's internal metadata entries (the
 * `X-Minio-Internal-Server-Side-Encryption-*` entries MinIO keeps in `xl.meta`).
 */

import { readFile } from 'node:fs/promises';
import type { SseType } from '@kmskit/s3-sse-adapter';

/** The content of a `.meta.json` file. */
export interface StoredObjectMetadata {
  /** The bucket the object was encrypted for; part of the KMS context and of the seal. */
  bucket: string;
  /** The object name; part of the KMS context and of the seal. */
  object: string;
  /** The SSE type. */
  sse: SseType;
  /** The plaintext size in bytes. */
  size: number;
  /** The stored (encrypted) size in bytes. */
  storedSize: number;
  /** The ETag as MinIO stores it: the sealed MD5 (or random bytes) in hex. */
  etag: string;
  /** MinIO's internal metadata entries. */
  metadata: Record<string, string>;
}

/** Returns the metadata file that belongs to an encrypted file: `<file>.meta.json`. */
export function metadataPathFor(file: string): string {
  return `${file}.meta.json`;
}

/** Returns the text of a metadata file: indented JSON and a final newline. */
export function formatObjectMetadata(value: StoredObjectMetadata): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Reads and checks a metadata file.
 *
 * @throws {Error} naming the file and the field when it is missing or malformed.
 */
export async function readObjectMetadata(path: string): Promise<StoredObjectMetadata> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code ? `cannot read it (${code})` : 'it is not valid JSON';
    throw new Error(
      `invalid metadata file ${path}: ${reason}; pass the .meta.json file that kmskit encrypt wrote`,
    );
  }
  const value = parsed as Partial<StoredObjectMetadata>;
  const invalid = (field: string) =>
    new Error(`invalid metadata file ${path}: "${field}" is missing or malformed`);
  if (typeof value !== 'object' || value === null) throw invalid('bucket');
  for (const field of ['bucket', 'object', 'etag'] as const) {
    if (typeof value[field] !== 'string') throw invalid(field);
  }
  if (value.sse !== 'SSE-S3' && value.sse !== 'SSE-KMS' && value.sse !== 'SSE-C')
    throw invalid('sse');
  for (const field of ['size', 'storedSize'] as const) {
    if (!Number.isSafeInteger(value[field]) || (value[field] as number) < 0) throw invalid(field);
  }
  const metadata = value.metadata;
  if (
    typeof metadata !== 'object' ||
    metadata === null ||
    Array.isArray(metadata) ||
    Object.values(metadata).some((entry) => typeof entry !== 'string')
  ) {
    throw invalid('metadata');
  }
  return value as StoredObjectMetadata;
}
