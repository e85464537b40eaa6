import { loadNodeCrypto } from '../dare/aead-node.js';
import { KEY_SIZE, NONCE_SIZE } from '../dare/constants.js';
import { DareError } from '../dare/errors.js';

function nodeCrypto(fn: string) {
  const crypto = loadNodeCrypto();
  if (crypto === undefined) {
    throw new DareError(
      'DARE_UNAVAILABLE',
      `${fn} needs node:crypto for SHA-256, which this runtime lacks`,
    );
  }
  return crypto;
}

function checkPartNumber(partNumber: number, fn: string): void {
  if (!Number.isInteger(partNumber) || partNumber < 0 || partNumber > 0xffff_ffff) {
    throw new RangeError(
      `${fn}: the part number must be an integer from 0 to 4294967295 (S3 uses 1 to 10000), got ${partNumber}`,
    );
  }
}

/**
 * Derives the DARE key of a multipart part: HMAC-SHA256(objectKey, uint32 little-endian
 * partNumber). Each part is a separate DARE stream under its own key.
 *
 * @throws {TypeError | RangeError} for an object key that is not 32 bytes or a bad part number.
 */
export function derivePartKey(objectKey: Uint8Array, partNumber: number): Uint8Array {
  const fn = 'derivePartKey';
  if (!(objectKey instanceof Uint8Array) || objectKey.length !== KEY_SIZE) {
    throw new RangeError(`${fn}: the object key must be a Uint8Array of ${KEY_SIZE} bytes`);
  }
  checkPartNumber(partNumber, fn);
  const number = new Uint8Array(4);
  new DataView(number.buffer).setUint32(0, partNumber, true);
  const mac = nodeCrypto(fn).createHmac('sha256', objectKey).update(number).digest();
  return new Uint8Array(mac);
}

/**
 * Derives the part nonce that MinIO (since August 2024) uses: the first 12 bytes of
 * SHA-256(uploadId followed by the decimal part number, no separator). Kept for compatibility
 * tests only: new parts get random nonces, because a derived nonce repeats under the same key
 * when a part is uploaded twice. Readers never need it, since every package header carries its
 * nonce.
 */
export function derivePartNonce(uploadId: string, partNumber: number): Uint8Array {
  const fn = 'derivePartNonce';
  if (typeof uploadId !== 'string') {
    throw new TypeError(`${fn}: the upload id must be a string`);
  }
  checkPartNumber(partNumber, fn);
  const digest = nodeCrypto(fn)
    .createHash('sha256')
    .update(`${uploadId}${partNumber}`, 'utf8')
    .digest();
  return new Uint8Array(digest.subarray(0, NONCE_SIZE));
}
