/**
 * Key names and the files that hold the keys. A file is named after the hex of the name's UTF-8
 * bytes, so no name can reach outside the directory (`../x` becomes `2e2e2f78.key`) and names
 * that differ only in case stay apart on case-insensitive file systems.
 */

import { InvalidKeyNameError } from '@kmskit/core';

/** Maximum name length in UTF-8 bytes; the hex file name is twice as long, within 255 bytes. */
export const MAX_NAME_BYTES = 100;
/** Suffix of key files. */
export const KEY_FILE_SUFFIX = '.key';

const KEY_FILE = /^(?:[0-9a-f]{2})+\.key$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Checks a key name: 1 to 100 UTF-8 bytes, no control characters, no unpaired surrogates. Any
 * other character, including `/`, `%`, spaces and non-ASCII letters, is allowed.
 *
 * @throws {InvalidKeyNameError} naming the value and the rule.
 */
export function assertDirKeyName(name: string): void {
  const bytes = encoder.encode(name).length;
  let problem: string | undefined;
  if (name.length === 0) problem = 'it is empty';
  else if (bytes > MAX_NAME_BYTES) problem = `it is ${bytes} UTF-8 bytes long`;
  else if (hasControlCharacter(name)) problem = 'it contains a control character';
  else if (LONE_SURROGATE.test(name)) problem = 'it contains an unpaired UTF-16 surrogate';
  if (problem === undefined) return;

  const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
  throw new InvalidKeyNameError(
    `invalid key name ${JSON.stringify(shown)}: ${problem}; use 1 to ${MAX_NAME_BYTES} UTF-8 bytes without control characters`,
  );
}

/** Returns the file name of a key. */
export function keyFileName(name: string): string {
  return `${Buffer.from(name, 'utf8').toString('hex')}${KEY_FILE_SUFFIX}`;
}

/** Returns the key name of a file, or `undefined` when the file is not a key file. */
export function keyNameOf(fileName: string): string | undefined {
  if (!KEY_FILE.test(fileName)) return undefined;
  const hex = fileName.slice(0, -KEY_FILE_SUFFIX.length);
  try {
    return decoder.decode(Buffer.from(hex, 'hex'));
  } catch {
    return undefined;
  }
}

/** Orders names by their UTF-8 bytes, the order `listKeys` promises. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Reports whether a name contains U+0000 to U+001F or U+007F. */
function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
