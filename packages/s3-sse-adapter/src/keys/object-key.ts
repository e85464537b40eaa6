/**
 * Object keys (OEK): generation, sealing and unsealing, as MinIO does them.
 *
 * Every encrypted object has a random 256-bit object key. It is stored only sealed: DARE 2.0
 * encrypted under a key-encryption key (KEK) that binds it to the external key (the SSE-C customer
 * key or the KMS data key), the IV, the SSE type and the object's path:
 *
 *     KEK    = HMAC-SHA256(externalKey, IV(32) ‖ domain ‖ "DAREv2-HMAC-SHA256" ‖ path.Join(bucket, object))
 *     sealed = DARE 2.0 encryption of the 32-byte object key under KEK (one final package, 64 bytes)
 *
 * The legacy `DARE-SHA256` seal of old SSE-C objects is read only:
 * KEK = SHA-256(externalKey ‖ IV), DARE 1.0 or 2.0, and nothing binds bucket, object or type.
 */

import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { DareCipher } from '../dare/index.js';
import { decryptDare, encryptDare } from '../dare/index.js';
import { encryptionMetadataError, s3Error } from '../errors/s3-errors.js';
import type { SseType } from '../headers/sse-detect.js';
import { LEGACY_SEAL_ALGORITHM, SEAL_ALGORITHM } from '../metadata/metadata-names.js';
import { goPathJoin } from '../util/go-path.js';

/** A sealed object key and what is needed to unseal it, as stored in metadata. */
export interface SealedObjectKey {
  /** `DAREv2-HMAC-SHA256`, or `DARE-SHA256` for legacy SSE-C objects. */
  algorithm: string;
  /** The 32-byte IV of the seal. */
  iv: Uint8Array;
  /** The 64-byte sealed key. */
  key: Uint8Array;
}

/** Options of `sealObjectKey`. The defaults are what MinIO does; tests fix the random values. */
export interface SealOptions {
  /** The 32-byte IV. @default 32 random bytes */
  iv?: Uint8Array;
  /** The 12-byte DARE nonce. @default 12 random bytes */
  nonce?: Uint8Array;
  /** The DARE cipher suite. @default 'AES-256-GCM' */
  cipher?: DareCipher;
}

const KEY_SIZE = 32;
const IV_SIZE = 32;
const encoder = new TextEncoder();
const GENERATION_LABEL = encoder.encode('object-encryption-key generation');
const SEAL_LABEL = encoder.encode(SEAL_ALGORITHM);

/**
 * Generates an object key: HMAC-SHA256(externalKey, "object-encryption-key generation" ‖ R) with
 * 32 random bytes R. Any uniformly random 32 bytes would be compatible, since nothing stores R.
 *
 * @param random R; tests pass fixed bytes. @default 32 random bytes
 * @throws {RangeError} when a key is not 32 bytes or `random` is not 32 bytes.
 */
export function generateObjectKey(externalKey: Uint8Array, random?: Uint8Array): Uint8Array {
  checkLength(externalKey, KEY_SIZE, 'generateObjectKey: the external key');
  const r = random ?? randomBytes(KEY_SIZE);
  checkLength(r, KEY_SIZE, 'generateObjectKey: the random value');
  return hmac(externalKey, GENERATION_LABEL, r);
}

/** Generates a 32-byte random IV for a seal. */
export function generateIV(): Uint8Array {
  return new Uint8Array(randomBytes(IV_SIZE));
}

/**
 * Derives the key-encryption key of a `DAREv2-HMAC-SHA256` seal.
 *
 * @param domain `SSE-C`, `SSE-S3` or `SSE-KMS`.
 */
export function deriveSealingKey(
  externalKey: Uint8Array,
  iv: Uint8Array,
  domain: SseType,
  bucket: string,
  object: string,
): Uint8Array {
  checkLength(externalKey, KEY_SIZE, 'deriveSealingKey: the external key');
  checkLength(iv, IV_SIZE, 'deriveSealingKey: the IV');
  const path = encoder.encode(objectPath(bucket, object));
  return hmac(externalKey, iv, encoder.encode(domain), SEAL_LABEL, path);
}

/**
 * Seals an object key with `DAREv2-HMAC-SHA256` for `bucket`/`object`.
 *
 * @throws {RangeError} when a key or option has the wrong length.
 */
export function sealObjectKey(
  objectKey: Uint8Array,
  externalKey: Uint8Array,
  domain: SseType,
  bucket: string,
  object: string,
  options: SealOptions = {},
): SealedObjectKey {
  checkLength(objectKey, KEY_SIZE, 'sealObjectKey: the object key');
  const iv = options.iv ? new Uint8Array(options.iv) : generateIV();
  const kek = deriveSealingKey(externalKey, iv, domain, bucket, object);
  try {
    const key = encryptDare(kek, objectKey, { nonce: options.nonce, cipher: options.cipher });
    return { algorithm: SEAL_ALGORITHM, iv, key };
  } finally {
    kek.fill(0);
  }
}

/**
 * Unseals an object key. Reads `DAREv2-HMAC-SHA256` seals (DARE 2.0 only) and legacy `DARE-SHA256`
 * seals (DARE 1.0 or 2.0, not bound to bucket, object or type).
 *
 * @throws {S3Error} `SecretKeyMismatch` (403 `AccessDenied`) when the seal does not open: a wrong
 *   key, another bucket, object or type, or modified bytes, which one AEAD cannot tell apart.
 *   `XMinioEncryptionError` for an unknown algorithm.
 */
export function unsealObjectKey(
  sealed: SealedObjectKey,
  externalKey: Uint8Array,
  domain: SseType,
  bucket: string,
  object: string,
): Uint8Array {
  checkLength(externalKey, KEY_SIZE, 'unsealObjectKey: the external key');
  let kek: Uint8Array;
  let minVersion: 1 | 2;
  if (sealed.algorithm === SEAL_ALGORITHM) {
    kek = deriveSealingKey(externalKey, sealed.iv, domain, bucket, object);
    minVersion = 2;
  } else if (sealed.algorithm === LEGACY_SEAL_ALGORITHM) {
    kek = new Uint8Array(createHash('sha256').update(externalKey).update(sealed.iv).digest());
    minVersion = 1;
  } else {
    throw encryptionMetadataError(
      `The sealing algorithm '${sealed.algorithm.slice(0, 100)}' is not supported`,
    );
  }
  try {
    const key = decryptDare(kek, sealed.key, { minVersion });
    if (key.length !== KEY_SIZE) {
      key.fill(0);
      throw new RangeError(`the sealed key decrypts to ${key.length} bytes, expected ${KEY_SIZE}`);
    }
    return key;
  } catch (error) {
    throw s3Error(
      'SecretKeyMismatch',
      `the ${domain} object key of ${objectPath(bucket, object)} does not unseal: a wrong key, or modified metadata`,
      { cause: error },
    );
  } finally {
    kek.fill(0);
  }
}

/** Returns `path.Join(bucket, object)` as Go computes it, the path every seal and context binds. */
export function objectPath(bucket: string, object: string): string {
  return goPathJoin(bucket, object);
}

/** Computes HMAC-SHA256 of the concatenated parts. */
export function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return new Uint8Array(mac.digest());
}

function checkLength(value: Uint8Array, length: number, label: string): void {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${label} must be a Uint8Array`);
  if (value.length !== length) {
    throw new RangeError(`${label} must be ${length} bytes, got ${value.length}`);
  }
}
