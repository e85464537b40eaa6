/**
 * MinIO's `Context`: string pairs that bind a data key to what it protects. Its canonical encoding
 * is the AEAD associated data of every KMS call, so it must match MinIO byte for byte. That
 * encoding is a JSON object without spaces, with keys sorted by their UTF-8 bytes (Go's string
 * order) and strings escaped as Go's `encoding/json` does with HTML escaping on.
 */

import { InvalidContextError } from './errors.js';

/** A KMS context: a plain object or a `Map` of strings. `undefined` and `{}` both encode as `{}`. */
export type Context = Readonly<Record<string, string>> | ReadonlyMap<string, string>;

const EMPTY_CONTEXT = Uint8Array.of(0x7b, 0x7d); // "{}"
const HEX = '0123456789abcdef';

/**
 * Encodes a context as MinIO's `Context.MarshalText` does.
 *
 * @throws {InvalidContextError} when a value is not a string or a string contains an unpaired UTF-16
 *   surrogate, which has no UTF-8 encoding.
 * @example encodeContext({ bucket: 'bucket/object' }) // bytes of {"bucket":"bucket/object"}
 */
export function encodeContext(context?: Context | null): Uint8Array {
  if (context === undefined || context === null) return EMPTY_CONTEXT.slice();
  if (typeof context !== 'object' || Array.isArray(context)) {
    throw new InvalidContextError(
      `invalid context of type ${Array.isArray(context) ? 'array' : typeof context}: pass an object or a Map of strings`,
    );
  }
  const entries: Array<[string, string]> = [];
  const pairs = context instanceof Map ? context.entries() : Object.entries(context);
  for (const [key, value] of pairs as Iterable<[unknown, unknown]>) {
    if (typeof key !== 'string') {
      throw new InvalidContextError('invalid context key: every key must be a string');
    }
    if (typeof value !== 'string') {
      throw new InvalidContextError(
        `invalid context value for key ${JSON.stringify(key)}: expected a string, got ${value === null ? 'null' : typeof value}`,
      );
    }
    entries.push([key, value]);
  }
  if (entries.length === 0) return EMPTY_CONTEXT.slice();

  // Code point order is UTF-8 byte order; plain string comparison would use UTF-16 code units.
  if (entries.length > 1) entries.sort((a, b) => compareCodePoints(a[0], b[0]));
  const out = new ByteWriter();
  out.byte(0x7b);
  entries.forEach(([key, value], index) => {
    if (index > 0) out.byte(0x2c);
    writeText(out, key, 'key');
    out.byte(0x3a);
    writeText(out, value, `value of key ${JSON.stringify(key)}`);
  });
  out.byte(0x7d);
  return out.finish();
}

/**
 * Encodes context entries given as raw bytes, the way Go encodes a `map[string]string` whose
 * strings may contain any bytes. Each byte that is not part of valid UTF-8 becomes `\ufffd`.
 * Entries with equal keys keep the last value, as a map would.
 */
export function encodeContextEntries(
  entries: Iterable<readonly [Uint8Array, Uint8Array]>,
): Uint8Array {
  const unique = new Map<string, readonly [Uint8Array, Uint8Array]>();
  for (const entry of entries) unique.set(latin1(entry[0]), entry);
  if (unique.size === 0) return EMPTY_CONTEXT.slice();

  const sorted = [...unique.values()].sort((a, b) => compareBytes(a[0], b[0]));
  const out = new ByteWriter();
  out.byte(0x7b);
  sorted.forEach(([key, value], index) => {
    if (index > 0) out.byte(0x2c);
    writeString(out, key);
    out.byte(0x3a);
    writeString(out, value);
  });
  out.byte(0x7d);
  return out.finish();
}

/** Decodes canonical context bytes back into a plain object, as MinIO's `UnmarshalText` would. */
export function decodeContext(bytes: Uint8Array): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new InvalidContextError(`invalid context encoding: ${(cause as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidContextError('invalid context encoding: expected a JSON object of strings');
  }
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') {
      throw new InvalidContextError(
        `invalid context encoding: the value of key ${JSON.stringify(key)} is not a string`,
      );
    }
    // A plain assignment of `__proto__` would set the prototype instead of adding the key.
    Object.defineProperty(result, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return result;
}

/** Writes a JS string as a JSON string in UTF-8, escaped as `writeString` escapes bytes. */
function writeText(out: ByteWriter, text: string, what: string): void {
  out.byte(0x22);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      writeAscii(out, unit);
    } else if (unit < 0x800) {
      out.byte(0xc0 | (unit >> 6));
      out.byte(0x80 | (unit & 0x3f));
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      const low = text.charCodeAt(i + 1);
      if (unit > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) throw loneSurrogate(what);
      const codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      out.byte(0xf0 | (codePoint >> 18));
      out.byte(0x80 | ((codePoint >> 12) & 0x3f));
      out.byte(0x80 | ((codePoint >> 6) & 0x3f));
      out.byte(0x80 | (codePoint & 0x3f));
      i++;
    } else if (unit === 0x2028 || unit === 0x2029) {
      out.ascii(unit === 0x2028 ? '\\u2028' : '\\u2029');
    } else {
      out.byte(0xe0 | (unit >> 12));
      out.byte(0x80 | ((unit >> 6) & 0x3f));
      out.byte(0x80 | (unit & 0x3f));
    }
  }
  out.byte(0x22);
}

function loneSurrogate(what: string): InvalidContextError {
  return new InvalidContextError(
    `invalid context ${what}: it contains an unpaired UTF-16 surrogate, which cannot be encoded as UTF-8; remove it or replace it with U+FFFD`,
  );
}

/** Compares strings by code point, which orders them as their UTF-8 bytes. */
function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (code points above U+FFFF) after U+E000–U+FFFF, as in code point order. */
function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const difference = a[i]! - b[i]!;
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** Writes a JSON string the way Go's `encoding/json` does with `SetEscapeHTML(true)`. */
function writeString(out: ByteWriter, bytes: Uint8Array): void {
  out.byte(0x22);
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    if (byte < 0x80) {
      writeAscii(out, byte);
      i++;
      continue;
    }
    const length = utf8SequenceLength(bytes, i);
    if (length === 0) {
      out.ascii('\\ufffd');
      i++;
      continue;
    }
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
    if (length === 3 && byte === 0xe2 && bytes[i + 1] === 0x80 && (bytes[i + 2]! & 0xfe) === 0xa8) {
      out.ascii(bytes[i + 2] === 0xa8 ? '\\u2028' : '\\u2029');
    } else {
      out.bytes(bytes.subarray(i, i + length));
    }
    i += length;
  }
  out.byte(0x22);
}

function writeAscii(out: ByteWriter, byte: number): void {
  switch (byte) {
    case 0x22:
      out.ascii('\\"');
      return;
    case 0x5c:
      out.ascii('\\\\');
      return;
    case 0x0a:
      out.ascii('\\n');
      return;
    case 0x0d:
      out.ascii('\\r');
      return;
    case 0x09:
      out.ascii('\\t');
      return;
  }
  if (byte < 0x20 || byte === 0x3c || byte === 0x3e || byte === 0x26) {
    out.ascii(`\\u00${HEX[byte >> 4]}${HEX[byte & 0xf]}`);
    return;
  }
  out.byte(byte);
}

/**
 * Returns the length of the valid UTF-8 sequence at `index`, or 0 when the byte there does not
 * start one. Follows Go's `utf8.DecodeRune`: overlong forms, surrogates and values above U+10FFFF
 * are invalid.
 */
function utf8SequenceLength(bytes: Uint8Array, index: number): number {
  const first = bytes[index]!;
  const continuation = (offset: number, low = 0x80, high = 0xbf): boolean => {
    const value = bytes[index + offset];
    return value !== undefined && value >= low && value <= high;
  };
  if (first >= 0xc2 && first <= 0xdf) return continuation(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

class ByteWriter {
  private buffer = new Uint8Array(64);
  private length = 0;

  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  bytes(values: Uint8Array): void {
    this.reserve(values.length);
    this.buffer.set(values, this.length);
    this.length += values.length;
  }

  ascii(text: string): void {
    this.reserve(text.length);
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
  }

  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const next = new Uint8Array(Math.max(this.buffer.length * 2, this.length + extra));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}
