const MARKER = Symbol.for('@kmskit/s3-sse-adapter.InvalidRangeError');

/**
 * The Range header cannot be satisfied: S3's `InvalidRange` error, HTTP 416. Raised for
 * `bytes=a-b` with a > b, for `bytes=-0`, and when the first byte position is at or past the
 * end of the object. The response should carry `Content-Range: bytes *\/<size>`.
 *
 * Use `InvalidRangeError.isInstance(error)` rather than `instanceof`.
 */
export class InvalidRangeError extends Error {
  readonly [MARKER] = true;
  /** The S3 error code. */
  readonly code = 'InvalidRange';
  /** The HTTP status. */
  readonly status = 416;
  /** The Range header value. */
  readonly range: string;
  /** The plaintext size of the object, when the range was resolved against it. */
  readonly size: number | undefined;

  constructor(range: string, size: number | undefined, reason: string) {
    super(`The requested range '${range}' is not satisfiable: ${reason}`);
    this.name = 'InvalidRangeError';
    this.range = range;
    this.size = size;
  }

  /** Reports whether `error` is an `InvalidRangeError` of any installed copy of this package. */
  static isInstance(error: unknown): error is InvalidRangeError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { [MARKER]?: unknown })[MARKER] === true
    );
  }
}
