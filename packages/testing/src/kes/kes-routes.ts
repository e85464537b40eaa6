/**
 * The KES v1 API of the test server: status codes, messages and bodies as KES v0.22.3 was
 * observed to send them, and as newer servers send them where they differ.
 */

import { randomBytes } from 'node:crypto';
import { hmacKes, type KesKeyStore, openKes, sealKes } from './kes-keystore.js';
import type { KesPolicies } from './kes-policy.js';

/** Which KES generation the server imitates. */
export type KesServerVersion = 'v0.22' | 'latest';

/** What a route sees of a request. */
export interface KesRouteRequest {
  method: string;
  /** The decoded path. */
  path: string;
  identity: string | undefined;
  body: Buffer;
}

/** An answer before faults change it. */
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

type Handler = (state: KesServerState, request: KesRouteRequest, resource: string) => KesReply;

interface Route {
  path: string;
  /** `true` when the rest of the path after `path` is a key name or pattern. */
  resource: boolean;
  kind: 'read' | 'write' | 'delete';
  maxBody: number;
  handler: Handler;
  /** Missing on KES v0.22, which answers 501. */
  latestOnly?: boolean;
  /** Readable without a policy. */
  public?: boolean;
}

const MAX_BODY = 1 << 20;
const NEWLINE = '\n';

const ROUTES: Route[] = [
  { path: '/version', resource: false, kind: 'read', maxBody: 0, handler: version, public: true },
  { path: '/v1/status', resource: false, kind: 'read', maxBody: 0, handler: status },
  { path: '/v1/api', resource: false, kind: 'read', maxBody: 0, handler: apis },
  { path: '/v1/metrics', resource: false, kind: 'read', maxBody: 0, handler: metrics },
  { path: '/v1/key/create/', resource: true, kind: 'write', maxBody: 0, handler: createKey },
  { path: '/v1/key/import/', resource: true, kind: 'write', maxBody: MAX_BODY, handler: importKey },
  { path: '/v1/key/describe/', resource: true, kind: 'read', maxBody: 0, handler: describeKey },
  { path: '/v1/key/delete/', resource: true, kind: 'delete', maxBody: 0, handler: deleteKey },
  {
    path: '/v1/key/generate/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: generateKey,
  },
  {
    path: '/v1/key/encrypt/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: encryptKey,
  },
  {
    path: '/v1/key/decrypt/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: decryptKey,
  },
  {
    path: '/v1/key/hmac/',
    resource: true,
    kind: 'write',
    maxBody: MAX_BODY,
    handler: hmacKey,
    latestOnly: true,
  },
  { path: '/v1/key/list/', resource: true, kind: 'read', maxBody: 0, handler: listKeys },
];

/** Answers one request. */
export function routeKesRequest(state: KesServerState, request: KesRouteRequest): KesReply {
  const legacy = state.version === 'v0.22';
  const route = ROUTES.find((candidate) =>
    candidate.resource ? request.path.startsWith(candidate.path) : request.path === candidate.path,
  );
  if (route === undefined || (legacy && route.latestOnly)) {
    return { status: 501, body: 'not implemented', contentType: 'text/plain; charset=utf-8' };
  }

  const allowed = allowedMethods(route, legacy);
  if (!allowed.includes(request.method)) {
    return { ...error(state, 405, 'Method Not Allowed'), headers: { Accept: allowed[0]! } };
  }
  if (request.body.length > MAX_BODY) {
    return error(state, 413, 'request body too large');
  }
  if (!route.public) {
    if (request.identity === undefined)
      return error(state, 400, 'tls: client certificate is required');
    if (!state.policies.allows(request.identity, request.path)) {
      return error(state, 403, 'not authorized: insufficient permissions');
    }
  }
  return route.handler(state, request, request.path.slice(route.path.length));
}

function allowedMethods(route: Route, legacy: boolean): string[] {
  if (route.kind === 'read') return ['GET'];
  if (route.kind === 'delete') return ['DELETE'];
  // KES v0.22 registers key operations as POST only; newer servers register PUT and accept POST.
  return legacy ? ['POST'] : ['PUT', 'POST'];
}

function version(state: KesServerState): KesReply {
  const body =
    JSON.stringify({ version: state.versionString, commit: 'kmskit-test-server' }) + NEWLINE;
  return {
    status: 200,
    body,
    contentType: state.version === 'v0.22' ? 'text/plain; charset=utf-8' : 'application/json',
  };
}

function status(state: KesServerState): KesReply {
  const uptimeMs = Date.now() - state.startedAt;
  const memory = process.memoryUsage();
  const document = {
    version: state.versionString,
    os: process.platform,
    arch: process.arch,
    // KES v0.22 reports nanoseconds, newer servers seconds.
    uptime: state.version === 'v0.22' ? uptimeMs * 1e6 : Math.floor(uptimeMs / 1000),
    num_cpu: 1,
    num_cpu_used: 1,
    mem_heap_used: memory.heapUsed,
    mem_stack_used: 0,
    keystore_latency: 1,
  };
  return json(200, document);
}

function apis(): KesReply {
  const routes = ROUTES.map((route) => ({
    method: route.kind === 'read' ? 'GET' : route.kind === 'delete' ? 'DELETE' : 'PUT',
    path: route.path,
    max_body: route.maxBody,
    timeout: route.path === '/version' || route.path === '/v1/api' ? 10 : 15,
  }));
  return json(200, routes);
}

function metrics(state: KesServerState): KesReply {
  const body = `# TYPE kes_http_request_success counter\nkes_http_request_success ${state.requestCount}\n`;
  return { status: 200, body, contentType: 'text/plain; version=0.0.4' };
}

function createKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  if (!state.store.create(checked, randomBytes(32), request.identity ?? '')) {
    return error(state, 400, 'key already exists');
  }
  return { status: 200, body: '' };
}

function importKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  const legacy = state.version === 'v0.22';
  const body = readBody(state, request.body, legacy ? ['bytes'] : ['key']);
  if (body.reply) return body.reply;
  const key = body.fields[legacy ? 'bytes' : 'key'];
  if (key === undefined || key.length !== 32) return error(state, 400, 'invalid key size');
  if (!state.store.create(checked, Buffer.from(key), request.identity ?? '')) {
    return error(state, 400, 'key already exists');
  }
  return { status: 200, body: '' };
}

function describeKey(state: KesServerState, _request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  const stored = state.store.get(checked);
  if (stored === undefined) return error(state, 404, 'key does not exist');
  if (state.version === 'v0.22') {
    const document = {
      name: checked,
      id: stored.id,
      algorithm: 'AES256-GCM_SHA256',
      created_at: stored.createdAt.toISOString(),
      created_by: stored.createdBy,
    };
    return {
      status: 200,
      body: JSON.stringify(document) + NEWLINE,
      contentType: 'text/plain; charset=utf-8',
    };
  }
  return json(200, {
    name: checked,
    algorithm: 'AES256',
    created_at: stored.createdAt.toISOString(),
    created_by: stored.createdBy,
  });
}

function deleteKey(state: KesServerState, _request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  state.store.delete(checked);
  return { status: 200, body: '' };
}

function generateKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  const stored = state.store.get(checked);
  if (stored === undefined) return error(state, 404, 'key does not exist');
  // Newer servers read the body only when there is one; v0.22 always decodes it.
  const emptyAllowed = state.version !== 'v0.22' && request.body.length === 0;
  const body: Body = emptyAllowed ? { fields: {} } : readBody(state, request.body, ['context']);
  if (body.reply) return body.reply;
  const plaintext = randomBytes(32);
  const ciphertext = sealKes(
    stored,
    plaintext,
    Buffer.from(body.fields.context ?? []),
    state.version === 'v0.22',
  );
  return json(200, {
    plaintext: plaintext.toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  });
}

function encryptKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  const stored = state.store.get(checked);
  if (stored === undefined) return error(state, 404, 'key does not exist');
  const body = readBody(state, request.body, ['plaintext', 'context']);
  if (body.reply) return body.reply;
  const ciphertext = sealKes(
    stored,
    Buffer.from(body.fields.plaintext ?? []),
    Buffer.from(body.fields.context ?? []),
    state.version === 'v0.22',
  );
  return json(200, { ciphertext: ciphertext.toString('base64') });
}

function decryptKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  const stored = state.store.get(checked);
  if (stored === undefined) return error(state, 404, 'key does not exist');
  const body = readBody(state, request.body, ['ciphertext', 'context']);
  if (body.reply) return body.reply;
  const plaintext = openKes(
    stored,
    Buffer.from(body.fields.ciphertext ?? []),
    Buffer.from(body.fields.context ?? []),
  );
  if (plaintext === undefined)
    return error(state, 400, 'decryption failed: ciphertext is not authentic');
  return json(200, { plaintext: plaintext.toString('base64') });
}

function hmacKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  const stored = state.store.get(checked);
  if (stored === undefined) return error(state, 404, 'key does not exist');
  const body = readBody(state, request.body, ['message']);
  if (body.reply) return body.reply;
  return json(200, {
    hmac: hmacKes(stored, Buffer.from(body.fields.message ?? [])).toString('base64'),
  });
}

function listKeys(state: KesServerState, _request: KesRouteRequest, pattern: string): KesReply {
  const names = state.store.names().sort();
  if (state.version === 'v0.22') {
    if (pattern === '') return error(state, 400, 'pattern is empty');
    const matcher = new RegExp(
      `^${pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*')}$`,
    );
    const matching = names.filter((name) => matcher.test(name));
    if (matching.length === 0) return { status: 200, body: '' };
    const body = matching.map((name) => JSON.stringify({ name }) + NEWLINE).join('');
    return { status: 200, body, contentType: 'application/x-ndjson' };
  }
  // Newer servers: a bare `*` (or nothing) lists all, anything else is a literal prefix.
  if (!/^[0-9A-Za-z_-]{0,80}\*?$/.test(pattern)) {
    return error(state, 400, `invalid pattern '${pattern}'`);
  }
  const prefix = pattern === '*' ? '' : pattern;
  return json(200, { names: names.filter((name) => name.startsWith(prefix)), continue_at: '' });
}

/** Returns the name to use, or an error reply. v0.22 trims spaces and words errors differently. */
function checkName(state: KesServerState, raw: string): string | KesReply {
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
type Body =
  | { fields: Record<string, Uint8Array | undefined>; reply?: undefined }
  | { reply: KesReply };

/**
 * Decodes a JSON body whose listed fields are base64, as Go's decoder does for `[]byte` fields.
 * v0.22 answers 500 for any decoding error (`EOF` for an empty body), newer servers 400.
 */
function readBody(state: KesServerState, raw: Buffer, fields: string[]): Body {
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

function json(status: number, value: unknown): KesReply {
  return { status, body: JSON.stringify(value) + NEWLINE, contentType: 'application/json' };
}

function error(state: KesServerState, status: number, message: string): KesReply {
  const legacy = state.version === 'v0.22';
  return {
    status,
    body: JSON.stringify({ message }),
    contentType: legacy ? 'application/json; charset=utf-8' : 'application/json',
    headers: { 'X-Content-Type-Options': 'nosniff' },
  };
}
