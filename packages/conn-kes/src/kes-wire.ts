/**
 * The KES v1 wire format: API paths, JSON request bodies and the parsing of JSON and NDJSON
 * responses. Every binary field is standard base64 with padding.
 */

import { InvalidResponseError, toBase64 } from '@kmskit/core';

/** The `/v1/key/…` APIs that take one path segment. */
export type KesKeyApi =
  | 'create'
  | 'import'
  | 'describe'
  | 'delete'
  | 'generate'
  | 'encrypt'
  | 'decrypt'
  | 'hmac'
  | 'list';

/**
 * Builds `/v1/key/<api>/<segment>` as KES's Go client does: the segment is escaped like Go's
 * `url.PathEscape`, then the path is cleaned like `path.Join`, so `''` gives `/v1/key/<api>` and
 * `..` gives `/v1/key`. The connector only sends names that passed `assertValidName`, which never
 * need escaping. The full rule is kept so that the path matches KES's for any input.
 */
export function kesKeyPath(api: KesKeyApi, segment: string): string {
  // A non-empty segment of unreserved characters needs neither escaping nor cleaning.
  if (UNRESERVED_SEGMENT.test(segment)) return `/v1/key/${api}/${segment}`;
  return joinPath(`/v1/key/${api}`, pathEscape(segment));
}

const UNRESERVED_SEGMENT = /^[A-Za-z0-9_~-]+$/;
const utf8 = new TextEncoder();

/**
 * Escapes one path segment like Go's `url.PathEscape`: unreserved characters and `$&+:=@` stay,
 * everything else becomes `%XX` of its UTF-8 bytes, with upper-case hex.
 */
export function pathEscape(segment: string): string {
  let out = '';
  for (const byte of utf8.encode(segment)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~$&+:=@]/.test(char)
      ? char
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function joinPath(prefix: string, segment: string): string {
  const parts: string[] = [];
  for (const part of `${prefix}/${segment}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/**
 * Request bodies, written field by field in the order KES's Go client writes them. Base64 never
 * needs JSON escaping, so concatenation gives the exact bytes.
 */
export const kesBody = {
  /** `{"context":…}`, or `{}` for no associated data: KES v0.22 returns 500 `EOF` for no body. */
  generate(associatedData: Uint8Array): string {
    return associatedData.length === 0 ? '{}' : `{"context":"${toBase64(associatedData)}"}`;
  },
  encrypt(plaintext: Uint8Array, associatedData: Uint8Array): string {
    const context = associatedData.length === 0 ? '' : `,"context":"${toBase64(associatedData)}"`;
    return `{"plaintext":"${toBase64(plaintext)}"${context}}`;
  },
  decrypt(ciphertext: Uint8Array, associatedData: Uint8Array): string {
    const context = associatedData.length === 0 ? '' : `,"context":"${toBase64(associatedData)}"`;
    return `{"ciphertext":"${toBase64(ciphertext)}"${context}}`;
  },
  hmac(message: Uint8Array): string {
    return `{"message":"${toBase64(message)}"}`;
  },
  /** KES v0.22 reads `bytes` and `algorithm`; newer servers read `key` and `cipher`. */
  import(key: Uint8Array, legacy: boolean): string {
    return legacy
      ? `{"bytes":"${toBase64(key)}","algorithm":"AES256-GCM_SHA256"}`
      : `{"key":"${toBase64(key)}","cipher":"AES256"}`;
  },
};

/**
 * Parses a success body as a JSON object, whatever its Content-Type, because KES v0.22 labels
 * JSON as `text/plain`. Unknown fields are kept and ignored by the callers.
 *
 * @throws {InvalidResponseError} naming the endpoint when the body is not a JSON object.
 */
export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidResponseError(`${what}: the response is not valid JSON (${excerpt(text)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidResponseError(`${what}: the response is not a JSON object (${excerpt(text)})`);
  }
  return value as Record<string, unknown>;
}

/**
 * Reads a base64 field of a response object.
 *
 * @throws {InvalidResponseError} when the field is missing or not standard base64.
 */
export function base64Field(
  object: Record<string, unknown>,
  field: string,
  what: string,
): Uint8Array {
  const value = object[field];
  const bytes = typeof value === 'string' ? decodeBase64(value) : undefined;
  if (bytes === undefined) {
    throw new InvalidResponseError(`${what}: the response has no valid base64 field \`${field}\``);
  }
  return bytes;
}

/**
 * Decodes standard base64 with padding as strictly as Go's decoder: Node's decoder skips invalid
 * characters and accepts missing padding, so a value is valid only when it encodes back to itself.
 * The bytes get their own ArrayBuffer, because small Buffers share a pool and a data key must not
 * sit next to unrelated data.
 */
function decodeBase64(text: string): Uint8Array | undefined {
  const buffer = Buffer.alloc(Math.ceil((text.length * 3) / 4));
  const length = buffer.write(text, 'base64');
  if (buffer.toString('base64', 0, length) !== text) return undefined;
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}

/** Reads an optional string field; anything else counts as absent. */
export function stringField(object: Record<string, unknown>, field: string): string | undefined {
  const value = object[field];
  return typeof value === 'string' ? value : undefined;
}

/** One page of names as a KES server returns it. */
export interface KesListResponse {
  names: string[];
  continueAt: string;
}

/**
 * Parses a list response: NDJSON (`application/x-ndjson`, KES v0.22) with one `{"name"}` or
 * `{"error"}` per line, JSON `{"names","continue_at"}` (newer servers), or an empty body for no
 * match. The format is recognised from the Content-Type, or from the body when the Content-Type
 * is missing or wrong, so no version lookup is needed. An NDJSON
 * `{"error"}` line ends the listing and is returned as `{ error }` for the caller to map.
 *
 * @throws {InvalidResponseError} for a malformed body.
 */
export function parseListResponse(
  text: string,
  contentType: string,
  what: string,
): KesListResponse | { error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { names: [], continueAt: '' };
  const ndjson =
    contentType.startsWith('application/x-ndjson') || /^\{[^\n]*\}\s*\n\s*\{/.test(trimmed);
  if (!ndjson) {
    const object = parseJsonObject(trimmed, what);
    if ('names' in object || 'continue_at' in object) {
      const names = object.names ?? [];
      if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
        throw new InvalidResponseError(`${what}: \`names\` is not an array of strings`);
      }
      return { names: names as string[], continueAt: stringField(object, 'continue_at') ?? '' };
    }
    // A one-line NDJSON body looks like a JSON object without `names`.
  }
  const names: string[] = [];
  for (const line of trimmed.split('\n')) {
    if (line.trim() === '') continue;
    const entry = parseJsonObject(line, what);
    const error = stringField(entry, 'error');
    if (error) return { error };
    const name = stringField(entry, 'name');
    if (name === undefined) {
      throw new InvalidResponseError(`${what}: a list line has no \`name\` (${excerpt(line)})`);
    }
    names.push(name);
  }
  return { names, continueAt: '' };
}

/** Shortens server text for messages. */
export function excerpt(text: string, max = 120): string {
  const single = text.replace(/\s+/g, ' ').trim();
  if (single === '') return 'empty body';
  return JSON.stringify(single.length > max ? `${single.slice(0, max)}…` : single);
}
