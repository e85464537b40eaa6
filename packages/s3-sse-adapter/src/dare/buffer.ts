import { DareDecryptor } from './decryptor.js';
import { DareEncryptor } from './encryptor.js';
import { checkBytes, type DareDecryptOptions, type DareEncryptOptions } from './options.js';
import { encryptedSize } from './sizes.js';

/**
 * Encrypts `plaintext` as one DARE 2.0 stream under the 32-byte `key`: 64 KiB packages, the last
 * one flagged final. An empty plaintext gives an empty ciphertext, as MinIO stores empty objects;
 * exactly 65 536 bytes give one final package.
 *
 * @throws {TypeError | RangeError} for a key that is not 32 bytes or an invalid option.
 * @throws {DareError} `DARE_SIZE_TOO_LARGE` above 2^48 bytes.
 * @example const sealed = encryptDare(objectKey, new TextEncoder().encode('hello'));
 */
export function encryptDare(
  key: Uint8Array,
  plaintext: Uint8Array,
  options: DareEncryptOptions = {},
): Uint8Array {
  checkBytes(plaintext, 'plaintext', 'encryptDare');
  const encryptor = new DareEncryptor(key, options, 'encryptDare');
  const out = new Uint8Array(encryptedSize(plaintext.length));
  let offset = 0;
  const emit = (bytes: Uint8Array): void => {
    out.set(bytes, offset);
    offset += bytes.length;
  };
  encryptor.write(plaintext, emit);
  encryptor.end(emit);
  return out;
}

/**
 * Decrypts a whole DARE stream. The version is read from the first byte: 2.0 always, 1.0 only
 * with `minVersion: 1`. An empty ciphertext gives an empty plaintext (MinIO's empty object);
 * callers that require data, such as key unsealing, check the length themselves.
 *
 * @throws {DareError} when the ciphertext is not authentic, truncated, reordered, extended or
 *   malformed; `error.code` says which.
 * @throws {TypeError | RangeError} for a key that is not 32 bytes or an invalid option.
 * @example const plaintext = decryptDare(objectKey, sealed);
 */
export function decryptDare(
  key: Uint8Array,
  ciphertext: Uint8Array,
  options: DareDecryptOptions = {},
): Uint8Array {
  checkBytes(ciphertext, 'ciphertext', 'decryptDare');
  const decryptor = new DareDecryptor(key, options, 'decryptDare');
  const pieces: Uint8Array[] = [];
  let length = 0;
  const emit = (bytes: Uint8Array): void => {
    pieces.push(bytes);
    length += bytes.length;
  };
  decryptor.write(ciphertext, emit);
  decryptor.end(emit);
  const out = new Uint8Array(length);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}
