import {
  MAX_CIPHERTEXT_SIZE,
  MAX_PACKAGE_SIZE,
  MAX_PAYLOAD_SIZE,
  MAX_PLAINTEXT_SIZE,
  PACKAGE_OVERHEAD,
} from './constants.js';
import { DareError } from './errors.js';

/**
 * Sizes are plain numbers: every size DARE can describe (at most 2^48 + 2^37 bytes) is a safe
 * integer, so number arithmetic is exact. A `bigint` argument returns a `bigint` result.
 */
function toSafeSize(value: number | bigint, name: string, fn: string): number | undefined {
  if (typeof value === 'bigint') {
    if (value < 0n) {
      throw new RangeError(`${fn}: ${name} must not be negative, got ${value}`);
    }
    // Larger values are out of range for DARE anyway; the caller reports that.
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(value);
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(`${fn}: ${name} must be a non-negative integer, got ${String(value)}`);
  }
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * Returns the size of the DARE 2.0 ciphertext of `plaintextSize` bytes: 32 bytes more for every
 * started 64 KiB package. An empty plaintext encrypts to an empty ciphertext.
 *
 * @throws {DareError} `DARE_SIZE_TOO_LARGE` above 2^48 bytes.
 * @throws {RangeError} for a negative or fractional size.
 * @example encryptedSize(65_537) // 65_601
 */
export function encryptedSize(plaintextSize: number): number;
export function encryptedSize(plaintextSize: bigint): bigint;
export function encryptedSize(plaintextSize: number | bigint): number | bigint;
export function encryptedSize(plaintextSize: number | bigint): number | bigint {
  const size = toSafeSize(plaintextSize, 'the plaintext size', 'encryptedSize');
  if (size === undefined || size > MAX_PLAINTEXT_SIZE) {
    throw new DareError(
      'DARE_SIZE_TOO_LARGE',
      `plaintext size ${plaintextSize} is too large for DARE: the maximum is 2^48 bytes`,
    );
  }
  const fullPackages = Math.floor(size / MAX_PAYLOAD_SIZE);
  const rest = size % MAX_PAYLOAD_SIZE;
  const result = fullPackages * MAX_PACKAGE_SIZE + (rest > 0 ? rest + PACKAGE_OVERHEAD : 0);
  return typeof plaintextSize === 'bigint' ? BigInt(result) : result;
}

/**
 * Returns the plaintext size of a DARE 2.0 ciphertext of `ciphertextSize` bytes. MinIO treats an
 * invalid stored size as a tampered object.
 *
 * @throws {DareError} `DARE_SIZE_TOO_LARGE` above 2^48 + 2^37 bytes, `DARE_INVALID_SIZE` when the
 *   last package would hold 32 bytes or fewer (header and tag but no payload).
 * @throws {RangeError} for a negative or fractional size.
 * @example decryptedSize(65_601) // 65_537
 */
export function decryptedSize(ciphertextSize: number): number;
export function decryptedSize(ciphertextSize: bigint): bigint;
export function decryptedSize(ciphertextSize: number | bigint): number | bigint;
export function decryptedSize(ciphertextSize: number | bigint): number | bigint {
  const size = toSafeSize(ciphertextSize, 'the ciphertext size', 'decryptedSize');
  if (size === undefined || size > MAX_CIPHERTEXT_SIZE) {
    throw new DareError(
      'DARE_SIZE_TOO_LARGE',
      `ciphertext size ${ciphertextSize} is too large for DARE: the maximum is 2^48 + 2^37 bytes`,
    );
  }
  const fullPackages = Math.floor(size / MAX_PACKAGE_SIZE);
  const rest = size % MAX_PACKAGE_SIZE;
  if (rest > 0 && rest <= PACKAGE_OVERHEAD) {
    throw new DareError(
      'DARE_INVALID_SIZE',
      `ciphertext size ${ciphertextSize} is not a valid DARE size: its last package would have ` +
        `${rest} bytes, but a package has at least ${PACKAGE_OVERHEAD + 1}; the object is truncated or was modified`,
    );
  }
  const result = fullPackages * MAX_PAYLOAD_SIZE + (rest > 0 ? rest - PACKAGE_OVERHEAD : 0);
  return typeof ciphertextSize === 'bigint' ? BigInt(result) : result;
}
