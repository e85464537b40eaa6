/**
 * MinIO's static key value `<key name>:<base64 of 32 bytes>`, as set in `MINIO_KMS_SECRET_KEY`
 * or in the file named by `MINIO_KMS_SECRET_KEY_FILE`.
 */

import { fromBase64 } from '@kmskit/core';

/** A named 256-bit master key. */
export interface BuiltinSecretKey {
  /** The key name, compared exactly: no trimming, no case folding. */
  readonly keyName: string;
  /** The 32 key bytes. */
  readonly key: Uint8Array;
}

/** Length of the master key in bytes: AES-256 and HMAC-SHA256 keys. */
export const SECRET_KEY_LENGTH = 32;

const FORMAT_HINT =
  'expected \'<key name>:<base64 of 32 bytes>\', for example the output of `echo "my-key:$(head -c 32 /dev/urandom | base64)"`';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Parses a static key value the way MinIO does. The text is split at the first `:`. The name is
 * kept as it is, so it may start with a space or be empty. The rest must be padded standard
 * base64 of exactly 32 bytes. `\r` and `\n` inside the base64 are ignored, so a file ending in a
 * newline works; spaces, missing padding and URL-safe characters are invalid.
 *
 * The result's `key` is not enumerable, so `JSON.stringify`, `util.inspect` and object spread
 * leave it out; read it as `result.key`.
 *
 * @throws {TypeError} when the text is not in that format. The message names the format and the
 *   key name, never the key.
 * @example
 * const { keyName, key } = parseSecretKey('my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=');
 */
export function parseSecretKey(text: string): BuiltinSecretKey {
  if (typeof text !== 'string') {
    throw new TypeError(
      `invalid builtin secret key: expected a string, got ${text === null ? 'null' : typeof text}`,
    );
  }
  if (text.trim() === '') {
    throw new TypeError(`invalid builtin secret key: the value is empty; ${FORMAT_HINT}`);
  }
  const colon = text.indexOf(':');
  if (colon < 0) {
    throw new TypeError(
      `invalid builtin secret key: no ':' separates name and key; ${FORMAT_HINT}`,
    );
  }
  const keyName = text.slice(0, colon);
  const encoded = text.slice(colon + 1);
  const key = fromBase64(encoded);
  if (key === undefined) {
    throw new TypeError(
      `invalid builtin secret key ${describeName(keyName)}: the part after the first ':' is not padded standard base64 (spaces, URL-safe characters and a second ':' are invalid); ${FORMAT_HINT}`,
    );
  }
  if (key.length !== SECRET_KEY_LENGTH) {
    const length = key.length;
    key.fill(0);
    throw new TypeError(
      `invalid builtin secret key ${describeName(keyName)}: the key is ${length} bytes, expected ${SECRET_KEY_LENGTH}; ${FORMAT_HINT}`,
    );
  }
  return hideKey(keyName, key);
}

/** Returns `{ keyName, key }` with `key` left out of enumeration, JSON and inspection. */
export function hideKey(keyName: string, key: Uint8Array): BuiltinSecretKey {
  const secret = { keyName } as BuiltinSecretKey;
  Object.defineProperty(secret, 'key', { value: key, enumerable: false });
  Object.defineProperty(secret, 'toJSON', {
    value: () => ({ keyName }),
    enumerable: false,
  });
  Object.defineProperty(secret, INSPECT, {
    value: () => `BuiltinSecretKey(keyName=${JSON.stringify(keyName)})`,
    enumerable: false,
  });
  return secret;
}

/**
 * Quotes a key name for messages. A value pasted in the wrong order puts the key before the `:`,
 * so a name that decodes as a 32-byte key is not shown.
 */
function describeName(name: string): string {
  if (fromBase64(name)?.length === SECRET_KEY_LENGTH) return 'whose name looks like a key';
  const shown = name.length > 80 ? `${name.slice(0, 80)}…` : name;
  return `named ${JSON.stringify(shown)}`;
}
