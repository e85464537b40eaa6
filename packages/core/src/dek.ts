/**
 * `DataKey`: a data encryption key produced by the KMS. The plaintext stays out of
 * `JSON.stringify`, `util.inspect` and `toString`, and can be zeroed once it is no longer needed.
 */

import { fromBase64, toBase64 } from './encoding.js';
import { InvalidResponseError } from './errors.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** The fields of a data key as MinIO stores them; the plaintext is never part of them. */
export interface DataKeyFields {
  /** The name of the master key that encrypted the data key. */
  keyId: string;
  /** The master key's version (MinKMS only); 0 when the KMS has no versions. */
  version: number;
  /** The data key encrypted by the KMS, opaque to the caller. */
  ciphertext: Uint8Array;
}

/** A data encryption key: 32 random bytes and their encryption under a KMS master key. */
export class DataKey implements DataKeyFields {
  readonly keyId: string;
  readonly version: number;
  readonly ciphertext: Uint8Array;
  #plaintext: Uint8Array | undefined;

  constructor(fields: DataKeyFields & { plaintext?: Uint8Array }) {
    this.keyId = fields.keyId;
    this.version = fields.version;
    this.ciphertext = fields.ciphertext;
    this.#plaintext = ownPlaintext(fields.plaintext);
  }

  /**
   * The plaintext data key, or `undefined` for a key read back from its text form or zeroed.
   * Treat it as a secret: do not log it or keep it longer than needed.
   */
  get plaintext(): Uint8Array | undefined {
    return this.#plaintext;
  }

  /** Overwrites the plaintext with zeros and drops the reference to it. */
  zero(): void {
    this.#plaintext?.fill(0);
    this.#plaintext = undefined;
  }

  /**
   * Returns the fields MinIO's `DEK.MarshalText` writes, in its order and without the plaintext.
   * `encodeDataKeyText` gives the exact bytes, including Go's HTML escapes in the key id.
   */
  toJSON(): { keyid: string; version?: number; ciphertext: string } {
    const ciphertext = toBase64(this.ciphertext);
    if (this.version === 0) return { keyid: this.keyId, ciphertext };
    return { keyid: this.keyId, version: this.version, ciphertext };
  }

  toString(): string {
    return `DataKey(keyId=${JSON.stringify(this.keyId)}, version=${this.version})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * Returns the plaintext as a plain `Uint8Array`. A `Buffer` (or other subclass) is copied and the
 * original zeroed: `Buffer#slice` shares memory, so `key.plaintext.slice()` would not be a copy,
 * and a pooled `Buffer` keeps the key in a region the caller cannot see.
 */
function ownPlaintext(plaintext: Uint8Array | undefined): Uint8Array | undefined {
  if (plaintext === undefined || Object.getPrototypeOf(plaintext) === Uint8Array.prototype) {
    return plaintext;
  }
  const copy = new Uint8Array(plaintext);
  plaintext.fill(0);
  return copy;
}

/**
 * Encodes a data key as MinIO's `DEK.MarshalText`: `keyid`, `version` (left out when 0) and
 * `ciphertext` (base64, or `null` when absent), in that order. The plaintext is never included.
 */
export function encodeDataKeyText(key: {
  keyId: string;
  version?: number;
  ciphertext?: Uint8Array | null;
}): string {
  let text = `{"keyid":${goJsonString(key.keyId)}`;
  if (key.version) text += `,"version":${key.version}`;
  text += `,"ciphertext":${key.ciphertext ? `"${toBase64(key.ciphertext)}"` : 'null'}}`;
  return text;
}

/**
 * Decodes MinIO's `DEK` text form. The result has no plaintext.
 *
 * @throws {InvalidResponseError} when the text is not a valid DEK document.
 */
export function decodeDataKeyText(text: string): DataKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidResponseError('invalid data key text: not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidResponseError('invalid data key text: expected a JSON object');
  }
  const { keyid, version, ciphertext } = parsed as Record<string, unknown>;
  if (keyid !== undefined && typeof keyid !== 'string') {
    throw new InvalidResponseError('invalid data key text: "keyid" must be a string');
  }
  if (
    version !== undefined &&
    (typeof version !== 'number' ||
      !Number.isInteger(version) ||
      version < 0 ||
      version > 0xffffffff)
  ) {
    throw new InvalidResponseError(
      'invalid data key text: "version" must be an unsigned 32-bit integer',
    );
  }
  let bytes: Uint8Array = new Uint8Array(0);
  if (ciphertext !== undefined && ciphertext !== null) {
    const decoded = typeof ciphertext === 'string' ? fromBase64(ciphertext) : undefined;
    if (!decoded) {
      throw new InvalidResponseError(
        'invalid data key text: "ciphertext" must be padded standard base64',
      );
    }
    bytes = decoded;
  }
  return new DataKey({ keyId: keyid ?? '', version: version ?? 0, ciphertext: bytes });
}

/** Quotes a string as Go's `encoding/json` does, HTML escapes included. */
export function goJsonString(text: string): string {
  return JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
