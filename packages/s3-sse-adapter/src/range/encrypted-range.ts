import { MAX_PACKAGE_SIZE, MAX_PAYLOAD_SIZE } from '../dare/constants.js';
import { decryptedSize, encryptedSize } from '../dare/sizes.js';
import { type HttpRange, resolveRange } from './http-range.js';

/** The stored bytes of one part that a range read decrypts, as one DARE stream. */
export interface RangeSegment {
  /** Index of the part in the object's part list (0-based; 0 for a single-part object). */
  partIndex: number;
  /** Number of stored bytes of this part within the read. */
  encLength: number;
  /** Sequence number of the first package in the segment. */
  seq: number;
  /** Whether the segment reaches the end of the part, so it must end with the final package. */
  reachesPartEnd: boolean;
}

/**
 * Plan of a range GET on an encrypted object: the stored bytes to read and how to decrypt them,
 * as MinIO's `GetDecryptedRange` computes them. Property names follow MinIO's.
 */
export interface EncryptedRange {
  /** First plaintext byte returned. */
  offset: number;
  /** Number of plaintext bytes returned. */
  length: number;
  /** Offset of the first stored byte to read. */
  encOff: number;
  /** Number of stored bytes to read. */
  encLength: number;
  /** Plaintext bytes to discard at the start of the decrypted output. */
  skip: number;
  /** Sequence number of the first package read, within part `partStart`. */
  seq: number;
  /** Index of the part holding the first byte (0-based). */
  partStart: number;
  /** The stored bytes split by part; each is decrypted with that part's key. */
  segments: readonly RangeSegment[];
}

function checkSizes(sizes: readonly number[], name: string, fn: string): void {
  if (!Array.isArray(sizes)) {
    throw new TypeError(`${fn}: ${name} must be an array of part sizes`);
  }
  for (const [i, size] of sizes.entries()) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new RangeError(`${fn}: ${name}[${i}] must be a non-negative safe integer, got ${size}`);
    }
  }
}

/**
 * Returns the plaintext size of each part from its stored size. MinIO returns
 * `XMinioObjectTampered` for an invalid stored size.
 *
 * @throws {DareError} `DARE_INVALID_SIZE` or `DARE_SIZE_TOO_LARGE` for a size that no DARE stream
 *   has.
 */
export function decryptedPartSizes(encryptedPartSizes: readonly number[]): number[] {
  checkSizes(encryptedPartSizes, 'encryptedPartSizes', 'decryptedPartSizes');
  return encryptedPartSizes.map((size) => decryptedSize(size));
}

/**
 * Maps a plaintext range of an encrypted object to the stored bytes to read. `partSizes` contains
 * the plaintext size of each part in order (one entry for a single-part object). Every part is
 * its own DARE stream, so the sequence number restarts at 0 in each part after the first.
 *
 * @throws {InvalidRangeError} (416) when the range starts at or past the end.
 * @example getEncryptedRange([5_242_880, 1_048_583], parseRangeHeader('bytes=-8'))
 */
export function getEncryptedRange(
  partSizes: readonly number[],
  range: HttpRange | undefined,
): EncryptedRange {
  checkSizes(partSizes, 'partSizes', 'getEncryptedRange');
  const encryptedSizes = partSizes.map((size) => encryptedSize(size));
  const total = partSizes.reduce((sum, size) => sum + size, 0);
  const { offset, length } = resolveRange(range, total);

  if (range === undefined || length === 0) {
    // MinIO reads the whole stored object when there is no Range header.
    const encLength = range === undefined ? encryptedSizes.reduce((sum, size) => sum + size, 0) : 0;
    const segments = encLength === 0 ? [] : wholeParts(encryptedSizes);
    return { offset, length, encOff: 0, encLength, skip: 0, seq: 0, partStart: 0, segments };
  }

  let partStart = 0;
  let cumulative = 0;
  let encCumulative = 0;
  while (offset >= cumulative + partSizes[partStart]!) {
    cumulative += partSizes[partStart]!;
    encCumulative += encryptedSizes[partStart]!;
    partStart += 1;
  }
  const seq = Math.floor((offset - cumulative) / MAX_PAYLOAD_SIZE);
  const skip = (offset - cumulative) % MAX_PAYLOAD_SIZE;
  const encOff = encCumulative + seq * MAX_PACKAGE_SIZE;

  const last = offset + length - 1;
  let partEnd = partStart;
  while (last >= cumulative + partSizes[partEnd]!) {
    cumulative += partSizes[partEnd]!;
    encCumulative += encryptedSizes[partEnd]!;
    partEnd += 1;
  }
  const endPackage = Math.floor((last - cumulative) / MAX_PAYLOAD_SIZE);
  const endEnc = Math.min(
    encCumulative + (endPackage + 1) * MAX_PACKAGE_SIZE,
    encCumulative + encryptedSizes[partEnd]!,
  );
  const encLength = endEnc - encOff;

  const segments: RangeSegment[] = [];
  let position = encOff;
  let partBase = encCumulativeOf(encryptedSizes, partStart);
  for (let part = partStart; part <= partEnd; part++) {
    const partEndEnc = partBase + encryptedSizes[part]!;
    const segmentEnd = Math.min(partEndEnc, endEnc);
    if (segmentEnd > position) {
      segments.push({
        partIndex: part,
        encLength: segmentEnd - position,
        seq: part === partStart ? seq : 0,
        reachesPartEnd: segmentEnd === partEndEnc,
      });
    }
    position = segmentEnd;
    partBase = partEndEnc;
  }
  return { offset, length, encOff, encLength, skip, seq, partStart, segments };
}

function encCumulativeOf(encryptedSizes: readonly number[], part: number): number {
  let sum = 0;
  for (let i = 0; i < part; i++) {
    sum += encryptedSizes[i]!;
  }
  return sum;
}

function wholeParts(encryptedSizes: readonly number[]): RangeSegment[] {
  const segments: RangeSegment[] = [];
  for (const [partIndex, encLength] of encryptedSizes.entries()) {
    if (encLength > 0) {
      segments.push({ partIndex, encLength, seq: 0, reachesPartEnd: true });
    }
  }
  return segments;
}
