/**
 * The data keys that MinIO's builtin KMS wrote, shipped in `fixtures/minio-deks.json` for the
 * demo. This file sits one folder below the package root as source and bundled, so the relative
 * path works in both.
 */

import { readFile } from 'node:fs/promises';

/** One data key written by MinIO, with the key and context that decrypt it. */
export interface MinioDataKey {
  /** The name of the test vector it comes from. */
  vector: string;
  /** The ciphertext format, such as `current binary, AES-256-GCM`. */
  format: string;
  /** The MINIO_KMS_SECRET_KEY value that wrote it. */
  secretKey: string;
  /** The key name to decrypt with. */
  keyName: string;
  /** The context it is bound to. */
  context: Record<string, string>;
  /** The ciphertext, base64. */
  ciphertext: string;
  /** The expected plaintext, base64. */
  plaintext: string;
}

/** The fixture file's location. */
export const MINIO_DATA_KEYS_URL = new URL('../fixtures/minio-deks.json', import.meta.url);

/**
 * Reads the shipped MinIO data keys.
 *
 * @throws {Error} when the file is missing or malformed (a broken installation).
 */
export async function loadMinioDataKeys(): Promise<MinioDataKey[]> {
  let document: { dataKeys?: unknown };
  try {
    document = JSON.parse(await readFile(MINIO_DATA_KEYS_URL, 'utf8'));
  } catch (error) {
    throw new Error(
      `cannot read the demo's MinIO data keys at ${MINIO_DATA_KEYS_URL.pathname}: ${(error as Error).message}; reinstall @kmskit/cli`,
    );
  }
  if (!Array.isArray(document.dataKeys)) {
    throw new Error(
      `the demo's MinIO data keys at ${MINIO_DATA_KEYS_URL.pathname} have no "dataKeys" list`,
    );
  }
  return document.dataKeys as MinioDataKey[];
}
