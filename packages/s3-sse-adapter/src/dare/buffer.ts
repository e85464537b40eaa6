import { VERSION_20 } from './constants.js';
import { DareDecryptor } from './decryptor.js';
import { DareEncryptor } from './encryptor.js';
import { checkBytes, type DareDecryptOptions, type DareEncryptOptions } from './options.js';
import { decryptedSize, encryptedSize } from './sizes.js';

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
 *   malformed; `error.code` names the cause.
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
  const output = new ByteCollector(plaintextSizeHint(ciphertext));
  const emit = (bytes: Uint8Array): void => output.push(bytes);
  decryptor.write(ciphertext, emit);
  decryptor.end(emit);
  return output.result();
}

/** Returns the plaintext size of a well-formed 2.0 stream of this length, else `undefined`. */
function plaintextSizeHint(ciphertext: Uint8Array): number | undefined {
  if (ciphertext[0] !== VERSION_20) {
    return undefined;
  }
  try {
    return decryptedSize(ciphertext.length);
  } catch {
    return undefined;
  }
}

/**
 * Collects output pieces into one array. With a size hint it writes straight into a buffer of
 * that size, so a large result is built with one copy and without holding every piece.
 */
class ByteCollector {
  #buffer: Uint8Array | undefined;
  #length = 0;
  readonly #pieces: Uint8Array[] = [];

  constructor(capacity: number | undefined) {
    this.#buffer = capacity === undefined ? undefined : new Uint8Array(capacity);
  }

  push(bytes: Uint8Array): void {
    const buffer = this.#buffer;
    if (buffer !== undefined && this.#length + bytes.length <= buffer.length) {
      buffer.set(bytes, this.#length);
    } else {
      if (buffer !== undefined) {
        // More output than the hint: keep what was written and collect the rest as pieces.
        this.#pieces.push(buffer.subarray(0, this.#length));
        this.#buffer = undefined;
      }
      this.#pieces.push(bytes);
    }
    this.#length += bytes.length;
  }

  result(): Uint8Array {
    if (this.#buffer !== undefined) {
      return this.#length === this.#buffer.length
        ? this.#buffer
        : this.#buffer.slice(0, this.#length);
    }
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const piece of this.#pieces) {
      out.set(piece, offset);
      offset += piece.length;
    }
    return out;
  }
}
