/** The `/v1/key/…` APIs of the KES test server. */

import { randomBytes } from 'node:crypto';
import { hmacKes, type KesStoredKey, openKes, sealKes } from './kes-keystore.js';
import {
  type Body,
  checkName,
  error,
  json,
  type KesReply,
  type KesRouteRequest,
  type KesServerState,
  NEWLINE,
  readBody,
} from './kes-replies.js';

export function createKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  if (!state.store.create(checked, randomBytes(32), request.identity ?? '')) {
    return error(state, 400, 'key already exists');
  }
  return { status: 200, body: '' };
}

export function importKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
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

export function describeKey(
  state: KesServerState,
  _request: KesRouteRequest,
  name: string,
): KesReply {
  const found = existingKey(state, name);
  if (found.reply) return found.reply;
  const { name: checked, stored } = found;
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

export function deleteKey(
  state: KesServerState,
  _request: KesRouteRequest,
  name: string,
): KesReply {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return checked;
  state.store.delete(checked);
  return { status: 200, body: '' };
}

export function generateKey(
  state: KesServerState,
  request: KesRouteRequest,
  name: string,
): KesReply {
  const found = existingKey(state, name);
  if (found.reply) return found.reply;
  const { stored } = found;
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

export function encryptKey(
  state: KesServerState,
  request: KesRouteRequest,
  name: string,
): KesReply {
  const found = existingKey(state, name);
  if (found.reply) return found.reply;
  const { stored } = found;
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

export function decryptKey(
  state: KesServerState,
  request: KesRouteRequest,
  name: string,
): KesReply {
  const found = existingKey(state, name);
  if (found.reply) return found.reply;
  const { stored } = found;
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

export function hmacKey(state: KesServerState, request: KesRouteRequest, name: string): KesReply {
  const found = existingKey(state, name);
  if (found.reply) return found.reply;
  const { stored } = found;
  const body = readBody(state, request.body, ['message']);
  if (body.reply) return body.reply;
  return json(200, {
    hmac: hmacKes(stored, Buffer.from(body.fields.message ?? [])).toString('base64'),
  });
}

export function listKeys(
  state: KesServerState,
  _request: KesRouteRequest,
  pattern: string,
): KesReply {
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

/** Looks up a key by name, or returns the reply KES sends for an invalid or unknown name. */
function existingKey(
  state: KesServerState,
  name: string,
): { reply: KesReply } | { reply?: undefined; name: string; stored: KesStoredKey } {
  const checked = checkName(state, name);
  if (typeof checked !== 'string') return { reply: checked };
  const stored = state.store.get(checked);
  if (stored === undefined) return { reply: error(state, 404, 'key does not exist') };
  return { name: checked, stored };
}
