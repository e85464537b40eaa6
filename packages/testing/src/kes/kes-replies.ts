/** Shared shapes of the KES test server and the helpers that build its replies. */

import type { KesKeyStore } from './kes-keystore.js';
import type { KesPolicies } from './kes-policy.js';

/** The KES generation the server imitates. */
export type KesServerVersion = 'v0.22' | 'latest';

/** The parts of a request that a route reads. */
export interface KesRouteRequest {
  method: string;
  /** The decoded path. */
  path: string;
  identity: string | undefined;
  body: Buffer;
}

/** A reply before faults change it. */
export interface KesReply {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** State shared by every listener. */
export interface KesServerState {
  version: KesServerVersion;
  versionString: string;
  store: KesKeyStore;
  policies: KesPolicies;
  startedAt: number;
  requestCount: number;
}

/** Success bodies end with a newline, as Go's JSON encoder writes them; error bodies do not. */
export const NEWLINE = '\n';

/** Returns the name to use, or an error reply. v0.22 trims spaces and words errors differently. */
export function checkName(state: KesServerState, raw: string): string | KesReply {
  if (state.version === 'v0.22') {
    const name = raw.trim();
    if (name === '') return error(state, 400, 'invalid argument: name is empty');
    if (Buffer.byteLength(name) > 80)
      return error(state, 400, 'invalid argument: name is too long');
    if (!/^[0-9A-Za-z_-]+$/.test(name))
      return error(state, 400, 'invalid argument: name contains invalid character');
    return name;
  }
  const valid =
    /^[0-9A-Za-z_-]{1,80}$/.test(raw) && !raw.startsWith('-') && !raw.endsWith('-') && raw !== '_';
  if (!valid)
    return error(state, 400, `key name '${raw}' is empty, too long or contains invalid characters`);
  return raw;
}

/** A decoded request body, or the error reply for it. */
export type Body =
  | { fields: Record<string, Uint8Array | undefined>; reply?: undefined }
  | { reply: KesReply };

/**
 * Decodes a JSON body whose listed fields are base64, as Go's decoder does for `[]byte` fields.
 * v0.22 returns 500 for any decoding error (`EOF` for an empty body), newer servers 400.
 */
export function readBody(state: KesServerState, raw: Buffer, fields: string[]): Body {
  const failure = state.version === 'v0.22' ? 500 : 400;
  const text = raw.toString('utf8');
  if (text.trim() === '') return { reply: error(state, failure, 'EOF') };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reply: error(state, failure, 'unexpected EOF') };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const type = Array.isArray(value) ? 'array' : typeof value;
    return {
      reply: error(state, failure, `json: cannot unmarshal ${type} into Go value of type Request`),
    };
  }
  const result: Record<string, Uint8Array | undefined> = {};
  for (const field of fields) {
    const encoded = (value as Record<string, unknown>)[field];
    if (encoded === undefined || encoded === null) continue;
    if (typeof encoded !== 'string') {
      const message = `json: cannot unmarshal ${typeof encoded} into Go struct field Request.${field} of type []uint8`;
      return { reply: error(state, failure, message) };
    }
    const invalidAt = invalidBase64At(encoded);
    if (invalidAt !== undefined) {
      return { reply: error(state, failure, `illegal base64 data at input byte ${invalidAt}`) };
    }
    result[field] = Buffer.from(encoded, 'base64');
  }
  return { fields: result };
}

/** Returns the offset Go's strict standard decoder reports for invalid base64, or `undefined`. */
function invalidBase64At(text: string): number | undefined {
  const bad = text.search(/[^A-Za-z0-9+/=]/);
  if (bad >= 0) return bad;
  if (text.length % 4 !== 0) return text.length - (text.length % 4);
  const padding = text.indexOf('=');
  if (padding >= 0 && padding < text.length - 2) return padding;
  if (Buffer.from(text, 'base64').toString('base64') !== text) return Math.max(0, text.length - 4);
  return undefined;
}

export function json(status: number, value: unknown): KesReply {
  return { status, body: JSON.stringify(value) + NEWLINE, contentType: 'application/json' };
}

export function error(state: KesServerState, status: number, message: string): KesReply {
  const legacy = state.version === 'v0.22';
  return {
    status,
    body: JSON.stringify({ message }),
    contentType: legacy ? 'application/json; charset=utf-8' : 'application/json',
    headers: { 'X-Content-Type-Options': 'nosniff' },
  };
}
