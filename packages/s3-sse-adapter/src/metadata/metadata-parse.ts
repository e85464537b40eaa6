/**
 * Reading sealed keys from stored metadata, with MinIO's checks in MinIO's order and MinIO's exact
 * error texts (as `XMinioEncryptionError`, 400).
 */

import { encryptionMetadataError } from '../errors/s3-errors.js';
import type { SealedObjectKey } from '../keys/object-key.js';
import { FlatJsonError, parseFlatJsonObject } from '../util/flat-json.js';
import { decodeGoBase64 } from '../util/go-base64.js';
import {
  getEntry,
  LEGACY_SEAL_ALGORITHM,
  META,
  type ObjectMetadata,
  SEAL_ALGORITHM,
} from './metadata-names.js';

/** The seal entries of SSE-S3 and SSE-KMS metadata. */
export interface KmsSealMetadata {
  /** The KMS key name; `''` for objects of MinIO's old static-key ("K/V") mode. */
  keyId: string;
  /** The KMS ciphertext of the data key; empty for the old static-key mode. */
  kmsDataKey: Uint8Array;
  /** The sealed object key. */
  sealedKey: SealedObjectKey;
}

/** The seal entries and client context of SSE-KMS metadata. */
export interface SseKmsMetadata extends KmsSealMetadata {
  /** The client's encryption context, or `undefined` when none was stored. */
  context: Record<string, string> | undefined;
}

const IV_SIZE = 32;
const SEALED_KEY_SIZE = 64;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads the sealed key of an SSE-C object. Accepts the legacy `DARE-SHA256` algorithm too.
 *
 * @throws {S3Error} `XMinioEncryptionError` with MinIO's message.
 */
export function parseSseCMetadata(metadata: ObjectMetadata): SealedObjectKey {
  const iv = getEntry(metadata, META.iv);
  if (iv === undefined) throw missingIv();
  const algorithm = getEntry(metadata, META.sealAlgorithm);
  if (algorithm === undefined) throw missingAlgorithm();
  const sealed = getEntry(metadata, META.sseCSealedKey);
  if (sealed === undefined) {
    throw encryptionMetadataError(
      'The object metadata is missing the internal sealed key for SSE-C',
    );
  }

  const ivBytes = decodeIv(iv);
  if (algorithm !== SEAL_ALGORITHM && algorithm !== LEGACY_SEAL_ALGORITHM) {
    throw invalidAlgorithm();
  }
  const key = decodeSealedKey(sealed, 'SSE-C');
  return { algorithm, iv: ivBytes, key };
}

/**
 * Reads key id, sealed data key and sealed object key of an SSE-S3 object.
 *
 * @throws {S3Error} `XMinioEncryptionError` with MinIO's message.
 */
export function parseSseS3Metadata(metadata: ObjectMetadata): KmsSealMetadata {
  return parseKmsSeal(metadata, META.sseS3SealedKey, 'SSE-S3');
}

/**
 * Reads key id, sealed data key, sealed object key and client context of an SSE-KMS object.
 *
 * @throws {S3Error} `XMinioEncryptionError` with MinIO's message.
 */
export function parseSseKmsMetadata(metadata: ObjectMetadata): SseKmsMetadata {
  const seal = parseKmsSeal(metadata, META.sseKmsSealedKey, 'SSE-KMS');
  const stored = getEntry(metadata, META.kmsContext);
  if (stored === undefined) return { ...seal, context: undefined };
  const bytes = decodeGoBase64(stored);
  if (!bytes) throw encryptionMetadataError('The internal KMS context is not base64-encoded');
  try {
    return { ...seal, context: parseFlatJsonObject(utf8.decode(bytes)) };
  } catch (error) {
    if (error instanceof FlatJsonError || error instanceof TypeError) {
      throw encryptionMetadataError('The internal sealed KMS context is invalid');
    }
    throw error;
  }
}

function parseKmsSeal(
  metadata: ObjectMetadata,
  sealedKeyEntry: string,
  domain: 'SSE-S3' | 'SSE-KMS',
): KmsSealMetadata {
  const iv = getEntry(metadata, META.iv);
  if (iv === undefined) throw missingIv();
  const algorithm = getEntry(metadata, META.sealAlgorithm);
  if (algorithm === undefined) throw missingAlgorithm();
  const sealed = getEntry(metadata, sealedKeyEntry);
  if (sealed === undefined) {
    throw encryptionMetadataError(
      `The object metadata is missing the internal sealed key for ${domain}`,
    );
  }

  // The key id and the data key come as a pair, or both are absent (MinIO's old static-key mode).
  const keyId = getEntry(metadata, META.kmsKeyId);
  const dataKey = getEntry(metadata, META.kmsDataKey);
  if (keyId !== undefined && dataKey === undefined) {
    throw encryptionMetadataError(
      `The object metadata is missing the internal sealed KMS data key for ${domain}`,
    );
  }
  if (keyId === undefined && dataKey !== undefined) {
    throw encryptionMetadataError(
      `The object metadata is missing the internal KMS key-ID for ${domain}`,
    );
  }

  const ivBytes = decodeIv(iv);
  if (algorithm !== SEAL_ALGORITHM) throw invalidAlgorithm();
  const key = decodeSealedKey(sealed, domain);
  let kmsDataKey: Uint8Array = new Uint8Array(0);
  if (dataKey !== undefined) {
    const decoded = decodeGoBase64(dataKey);
    if (!decoded) {
      throw encryptionMetadataError(`The internal sealed KMS data key for ${domain} is invalid`);
    }
    kmsDataKey = decoded;
  }
  return { keyId: keyId ?? '', kmsDataKey, sealedKey: { algorithm, iv: ivBytes, key } };
}

function decodeIv(value: string): Uint8Array {
  const iv = decodeGoBase64(value);
  if (!iv || iv.length !== IV_SIZE) {
    throw encryptionMetadataError('The internal encryption IV is malformed');
  }
  return iv;
}

function decodeSealedKey(value: string, domain: string): Uint8Array {
  const key = decodeGoBase64(value);
  if (!key || key.length !== SEALED_KEY_SIZE) {
    throw encryptionMetadataError(`The internal sealed key for ${domain} is invalid`);
  }
  return key;
}

function missingIv() {
  return encryptionMetadataError('The object metadata is missing the internal encryption IV');
}

function missingAlgorithm() {
  return encryptionMetadataError('The object metadata is missing the internal seal algorithm');
}

function invalidAlgorithm() {
  return encryptionMetadataError('The internal seal algorithm is invalid and not supported');
}
