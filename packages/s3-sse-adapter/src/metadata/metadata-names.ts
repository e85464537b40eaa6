/**
 * Names of the object metadata entries MinIO stores for encrypted objects, with MinIO's spelling.
 * All values are strings; binary values are padded standard base64.
 */

/** Stored metadata entry names. */
export const META = {
  /** The seal algorithm: `DAREv2-HMAC-SHA256`, or `DARE-SHA256` for legacy SSE-C objects. */
  sealAlgorithm: 'X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm',
  /** Base64 of the 32-byte IV of the seal. */
  iv: 'X-Minio-Internal-Server-Side-Encryption-Iv',
  /** Base64 of the 64-byte sealed object key of an SSE-C object. */
  sseCSealedKey: 'X-Minio-Internal-Server-Side-Encryption-Sealed-Key',
  /** Base64 of the 64-byte sealed object key of an SSE-S3 object. */
  sseS3SealedKey: 'X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key',
  /** Base64 of the 64-byte sealed object key of an SSE-KMS object. */
  sseKmsSealedKey: 'X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key',
  /** The KMS key name, for SSE-S3 and SSE-KMS alike despite the `S3` in the name. */
  kmsKeyId: 'X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id',
  /** Base64 of the KMS ciphertext of the data key, for SSE-S3 and SSE-KMS alike. */
  kmsDataKey: 'X-Minio-Internal-Server-Side-Encryption-S3-Kms-Sealed-Key',
  /** Base64 of the canonical JSON of the client's SSE-KMS context, when it is not empty. */
  kmsContext: 'X-Minio-Internal-Server-Side-Encryption-Context',
  /** Present (with an empty value) on encrypted multipart uploads and objects. */
  encryptedMultipart: 'X-Minio-Internal-Encrypted-Multipart',
  /** The decimal plaintext size of multipart and compressed objects. */
  actualSize: 'X-Minio-Internal-actual-size',
  /** The encrypted checksum of SSE-C replication (MinIO since 2024); only ever removed. */
  replicationSsecCrc: 'X-Minio-Replication-Ssec-Crc',
  /** Present on objects MinIO compressed (S2) before encrypting them. */
  compression: 'X-Minio-Internal-compression',
} as const;

/** The current seal algorithm, the only one written. */
export const SEAL_ALGORITHM = 'DAREv2-HMAC-SHA256';
/** The legacy SSE-C seal algorithm, read only. */
export const LEGACY_SEAL_ALGORITHM = 'DARE-SHA256';

/** Object metadata: entry names mapped to string values. */
export type ObjectMetadata = Readonly<Record<string, string>>;

/** The entries that mark an object as encrypted (any one of them is enough). */
export const ENCRYPTION_ENTRIES: readonly string[] = [
  META.encryptedMultipart,
  META.iv,
  META.sealAlgorithm,
  META.sseCSealedKey,
  META.sseS3SealedKey,
  META.sseKmsSealedKey,
  META.kmsKeyId,
  META.kmsDataKey,
  META.kmsContext,
];

/** The entries removed from a copy source's metadata before the copy is written. */
export const INTERNAL_CRYPTO_ENTRIES: readonly string[] = [
  ...ENCRYPTION_ENTRIES,
  META.replicationSsecCrc,
];

/**
 * Returns the value of entry `name`, matched exactly first and then without regard to case (some
 * stores lowercase metadata names), or `undefined` when it is absent.
 */
export function getEntry(metadata: ObjectMetadata, name: string): string | undefined {
  if (Object.hasOwn(metadata, name)) return metadata[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(metadata)) {
    if (key.toLowerCase() === lower) return metadata[key];
  }
  return undefined;
}

/** Reports whether entry `name` is present, even with an empty value. */
export function hasEntry(metadata: ObjectMetadata, name: string): boolean {
  return getEntry(metadata, name) !== undefined;
}
