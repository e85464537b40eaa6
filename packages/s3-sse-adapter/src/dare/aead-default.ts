import type { AeadBackend } from './aead.js';
import { nobleAeadBackend } from './aead-noble.js';
import { createNodeAeadBackend, loadNodeCrypto } from './aead-node.js';

let cached: AeadBackend | undefined;

/**
 * Picks the AEAD backend: `node:crypto` when `loadCrypto` finds it, @noble/ciphers otherwise.
 * Exposed with an injectable loader so that tests can check the fallback.
 */
export function selectAeadBackend(loadCrypto: typeof loadNodeCrypto = loadNodeCrypto): AeadBackend {
  const crypto = loadCrypto();
  return crypto === undefined ? nobleAeadBackend : createNodeAeadBackend(crypto);
}

/** Returns the backend DARE uses when the caller passes none (chosen once per process). */
export function defaultAeadBackend(): AeadBackend {
  cached ??= selectAeadBackend();
  return cached;
}
