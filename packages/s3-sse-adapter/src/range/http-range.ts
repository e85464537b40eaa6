import { InvalidRangeError } from './errors.js';

/**
 * A parsed single-range `Range` header: `bytes=a-b` and `bytes=a-` are `from` ranges (without
 * `end` for the open form), `bytes=-n` is a `suffix` range of the last n bytes. Positions above
 * 2^53 lose precision, which changes no result because they lie past any object's end.
 */
export type HttpRange =
  | { type: 'from'; start: number; end?: number; header: string }
  | { type: 'suffix'; length: number; header: string };

/** A resolved plaintext range. */
export interface ResolvedRange {
  /** First plaintext byte. */
  offset: number;
  /** Number of plaintext bytes; 0 only for an empty object. */
  length: number;
}

const PREFIX = 'bytes=';
const MAX_INT64 = (1n << 63n) - 1n;

/** Parses one byte position as Go's `strconv.ParseInt` with MinIO's extra sign check. */
function parsePosition(text: string): number | undefined {
  if (!/^[0-9]+$/.test(text)) {
    return undefined;
  }
  const value = BigInt(text);
  return value > MAX_INT64 ? undefined : Number(value);
}

/**
 * Parses an S3 `Range` header the way MinIO does. Returns `undefined` for no header and for
 * syntax that S3 ignores (so the whole object is returned with 200): another unit than `bytes`,
 * no `-`, several ranges, signs, or positions above 2^63 − 1.
 *
 * @throws {InvalidRangeError} (416) for `bytes=a-b` with a > b and for `bytes=-0`.
 * @example parseRangeHeader('bytes=-8') // { type: 'suffix', length: 8, header: 'bytes=-8' }
 */
export function parseRangeHeader(header: string | null | undefined): HttpRange | undefined {
  if (header === undefined || header === null || header === '') {
    return undefined;
  }
  if (typeof header !== 'string') {
    throw new TypeError(
      `parseRangeHeader: the Range header must be a string, got ${typeof header}`,
    );
  }
  if (!header.startsWith(PREFIX)) {
    return undefined;
  }
  const spec = header.slice(PREFIX.length);
  const dash = spec.indexOf('-');
  if (dash < 0) {
    return undefined;
  }
  const firstText = spec.slice(0, dash);
  const lastText = spec.slice(dash + 1);
  const first = firstText === '' ? undefined : parsePosition(firstText);
  const last = lastText === '' ? undefined : parsePosition(lastText);
  if ((firstText !== '' && first === undefined) || (lastText !== '' && last === undefined)) {
    return undefined;
  }
  if (first !== undefined && last !== undefined) {
    if (BigInt(firstText) > BigInt(lastText)) {
      throw new InvalidRangeError(header, undefined, 'the first byte position is after the last');
    }
    return { type: 'from', start: first, end: last, header };
  }
  if (first !== undefined) {
    return { type: 'from', start: first, header };
  }
  if (last !== undefined) {
    if (last === 0) {
      throw new InvalidRangeError(header, undefined, 'a suffix range must ask for at least 1 byte');
    }
    return { type: 'suffix', length: last, header };
  }
  return undefined;
}

/**
 * Resolves a parsed range against an object's plaintext size with S3's rules: the last position
 * is clamped to the end, a suffix longer than the object returns the whole object, and no range
 * returns the whole object.
 *
 * @throws {InvalidRangeError} (416) when the first byte position is at or past the end.
 */
export function resolveRange(range: HttpRange | undefined, size: number): ResolvedRange {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`resolveRange: size must be a non-negative safe integer, got ${size}`);
  }
  if (range === undefined) {
    return { offset: 0, length: size };
  }
  if (range.type === 'suffix') {
    const length = Math.min(range.length, size);
    return { offset: size - length, length };
  }
  if (range.start >= size) {
    throw new InvalidRangeError(
      range.header,
      size,
      `the first byte position ${range.start} is not below the object size ${size}`,
    );
  }
  const end = range.end === undefined || range.end >= size ? size - 1 : range.end;
  return { offset: range.start, length: end - range.start + 1 };
}
