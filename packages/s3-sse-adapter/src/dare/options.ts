import type { AeadBackend, DareCipher } from './aead.js';
import { KEY_SIZE, MAX_SEQUENCE_NUMBER, NONCE_SIZE } from './constants.js';

/** Options of `encryptDare` and the encrypting streams. */
export interface DareEncryptOptions {
  /**
   * The 12-byte stream nonce. Bit 7 of its first byte is replaced by the final-package flag.
   * Never reuse a nonce with the same key.
   * @default 12 random bytes from `crypto.getRandomValues`
   */
  nonce?: Uint8Array;
  /**
   * The cipher suite. MinIO on x86 writes AES-256-GCM and every DARE reader accepts it.
   * @default 'AES-256-GCM'
   */
  cipher?: DareCipher;
  /**
   * Sequence number of the first package (an unsigned 32-bit integer).
   * @default 0
   */
  sequenceNumber?: number;
  /** The AEAD implementation. @default `node:crypto` when present, else @noble/ciphers */
  backend?: AeadBackend;
}

/** Options of `decryptDare` and the decrypting streams. */
export interface DareDecryptOptions {
  /**
   * The oldest DARE version accepted. Version 1.0 cannot detect truncation at a package boundary,
   * so it is read only when the caller opts in (MinIO reads object data with 1.0 allowed, sealed
   * keys with 2.0 only).
   * @default 2
   */
  minVersion?: 1 | 2;
  /** The newest DARE version accepted. @default 2 */
  maxVersion?: 1 | 2;
  /**
   * Sequence number expected for the first package: the package index when decryption starts in
   * the middle of a stream, as a range read does.
   * @default 0
   */
  sequenceNumber?: number;
  /** Cipher suites accepted. @default both */
  cipherSuites?: readonly DareCipher[];
  /**
   * Whether a 2.0 input must end with the package flagged final. Pass `false` only for a range
   * read that stops at a package boundary before the end of the stream.
   * @default true
   */
  expectFinal?: boolean;
  /** The AEAD implementation. @default `node:crypto` when present, else @noble/ciphers */
  backend?: AeadBackend;
}

/** Throws a `TypeError` or `RangeError` unless `key` is a 32-byte `Uint8Array`. */
export function checkKey(key: unknown, fn: string): asserts key is Uint8Array {
  if (!(key instanceof Uint8Array)) {
    throw new TypeError(`${fn}: the key must be a Uint8Array of ${KEY_SIZE} bytes`);
  }
  if (key.length !== KEY_SIZE) {
    throw new RangeError(`${fn}: the key must be ${KEY_SIZE} bytes long, got ${key.length} bytes`);
  }
}

/** Throws a `TypeError` unless `data` is a `Uint8Array`. */
export function checkBytes(data: unknown, name: string, fn: string): asserts data is Uint8Array {
  if (!(data instanceof Uint8Array)) {
    const kind = data === null ? 'null' : typeof data;
    throw new TypeError(`${fn}: the ${name} must be a Uint8Array, got ${kind}`);
  }
}

/** Returns the sequence number option, checked to be an unsigned 32-bit integer. */
export function checkSequenceNumber(value: number | undefined, fn: string): number {
  if (value === undefined) {
    return 0;
  }
  if (!Number.isInteger(value) || value < 0 || value > MAX_SEQUENCE_NUMBER) {
    throw new RangeError(
      `${fn}: option \`sequenceNumber\` must be an integer from 0 to ${MAX_SEQUENCE_NUMBER}, got ${String(value)}`,
    );
  }
  return value;
}

/** Returns a copy of the nonce option, or a fresh random nonce. */
export function checkNonce(value: Uint8Array | undefined, fn: string): Uint8Array {
  if (value === undefined) {
    return globalThis.crypto.getRandomValues(new Uint8Array(NONCE_SIZE));
  }
  if (!(value instanceof Uint8Array) || value.length !== NONCE_SIZE) {
    throw new RangeError(`${fn}: option \`nonce\` must be a Uint8Array of ${NONCE_SIZE} bytes`);
  }
  return value.slice();
}

/** Returns the cipher option, checked. */
export function checkCipher(value: DareCipher | undefined, fn: string): DareCipher {
  if (value === undefined) {
    return 'AES-256-GCM';
  }
  if (value !== 'AES-256-GCM' && value !== 'ChaCha20-Poly1305') {
    throw new RangeError(
      `${fn}: option \`cipher\` must be 'AES-256-GCM' or 'ChaCha20-Poly1305', got ${String(value)}`,
    );
  }
  return value;
}
