/**
 * `DareError`: every way a DARE ciphertext or size can be invalid. DARE errors are format errors,
 * not KMS errors, so they do not extend `KmsError`; the S3 layer maps them to its own responses.
 */

const MARKER = Symbol.for('@kmskit/s3-sse-adapter.DareError');

/**
 * Reasons a DARE operation fails. The comment on each code gives the matching minio/sio error text.
 */
export type DareErrorCode =
  /** The version byte is not 0x10 or 0x20, or it is outside `minVersion`…`maxVersion`, or it changed within a stream (`sio: unsupported version`). */
  | 'DARE_UNSUPPORTED_VERSION'
  /** The cipher suite byte is unknown, not accepted, or differs from the first package's (`sio: unsupported cipher suite`). */
  | 'DARE_UNSUPPORTED_CIPHER'
  /** A non-final 2.0 package does not carry exactly 64 KiB (`sio: invalid payload size`). */
  | 'DARE_INVALID_PAYLOAD_SIZE'
  /** The AEAD tag does not verify: wrong key, modified bytes, reordered or spliced packages, or a wrong start sequence number (`sio: authentication failed`). */
  | 'DARE_AUTHENTICATION_FAILED'
  /** A 2.0 package carries a different header nonce from the first package (`sio: header nonce mismatch`). */
  | 'DARE_HEADER_NONCE_MISMATCH'
  /** A 1.0 package carries an unexpected sequence number (`sio: sequence number mismatch`). */
  | 'DARE_SEQUENCE_NUMBER_MISMATCH'
  /** The input ended inside a package, or a 2.0 stream ended without its final package (`sio: unexpected EOF`). */
  | 'DARE_UNEXPECTED_EOF'
  /** Bytes follow the final package of a 2.0 stream (`sio: unexpected data after final package`). */
  | 'DARE_DATA_AFTER_FINAL'
  /** A stream would need more than 2^32 packages. */
  | 'DARE_SEQUENCE_OVERFLOW'
  /** A size is larger than DARE can describe (`sio: size is too large for DARE`). */
  | 'DARE_SIZE_TOO_LARGE'
  /** An encrypted size cannot be the size of a DARE stream (`sio: size is not valid`). */
  | 'DARE_INVALID_SIZE'
  /** The runtime offers no implementation that the operation needs. */
  | 'DARE_UNAVAILABLE';

/**
 * Error thrown for a DARE ciphertext that cannot be decrypted, a size that DARE cannot describe,
 * or a stream that cannot be encrypted. Messages name the package and the likely cause, and never
 * contain key material or plaintext.
 *
 * Use `DareError.isInstance(error)` rather than `instanceof`: it also recognises errors from
 * another installed copy of this package.
 */
export class DareError extends Error {
  readonly [MARKER] = true;
  /** What went wrong, such as `DARE_AUTHENTICATION_FAILED`. */
  readonly code: DareErrorCode;

  constructor(code: DareErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DareError';
    this.code = code;
  }

  /** Reports whether `error` is a `DareError` of any installed copy of this package. */
  static isInstance(error: unknown): error is DareError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { [MARKER]?: unknown })[MARKER] === true
    );
  }
}
