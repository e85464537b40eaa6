import type * as NodeCrypto from 'node:crypto';
import type { Aead, AeadBackend, AeadOpener, DareCipher } from './aead.js';
import { nobleAeadBackend } from './aead-noble.js';
import { TAG_SIZE } from './constants.js';

type NodeCryptoModule = typeof NodeCrypto;

const ALGORITHM: Record<DareCipher, 'aes-256-gcm' | 'chacha20-poly1305'> = {
  'AES-256-GCM': 'aes-256-gcm',
  'ChaCha20-Poly1305': 'chacha20-poly1305',
};

class NodeOpener implements AeadOpener {
  readonly #decipher: NodeCrypto.DecipherGCM;
  readonly #pieces: Uint8Array[] = [];

  constructor(decipher: NodeCrypto.DecipherGCM, aad: Uint8Array) {
    this.#decipher = decipher;
    decipher.setAAD(aad);
  }

  update(ciphertext: Uint8Array): void {
    this.#pieces.push(this.#decipher.update(ciphertext));
  }

  final(tag: Uint8Array): Uint8Array[] {
    this.#decipher.setAuthTag(tag);
    this.#decipher.final();
    return this.#pieces;
  }
}

/**
 * Builds the AEAD backend on a `node:crypto` module. Cipher suites that this OpenSSL build lacks
 * (ChaCha20-Poly1305 in some FIPS builds) go to @noble/ciphers instead.
 */
export function createNodeAeadBackend(crypto: NodeCryptoModule): AeadBackend {
  const available = new Set(crypto.getCiphers());
  return {
    name: 'node',
    createAead(cipher: DareCipher, key: Uint8Array): Aead {
      const algorithm = ALGORITHM[cipher];
      if (!available.has(algorithm)) {
        return nobleAeadBackend.createAead(cipher, key);
      }
      const secret = crypto.createSecretKey(key);
      const options = { authTagLength: TAG_SIZE };
      return {
        seal(nonce, aad, plaintext) {
          // Both algorithms have the same GCM-style API; the cast picks one overload for both.
          const cipherContext = crypto.createCipheriv(
            algorithm as 'aes-256-gcm',
            secret,
            nonce,
            options,
          );
          cipherContext.setAAD(aad);
          const out: Uint8Array[] = [];
          for (const piece of plaintext) {
            out.push(cipherContext.update(piece));
          }
          cipherContext.final();
          out.push(cipherContext.getAuthTag());
          return out;
        },
        open(nonce, aad) {
          const decipher = crypto.createDecipheriv(
            algorithm as 'aes-256-gcm',
            secret,
            nonce,
            options,
          );
          return new NodeOpener(decipher, aad);
        },
      };
    },
  };
}

/** Returns `node:crypto` when the runtime provides it, else `undefined`, without a static import. */
export function loadNodeCrypto(): NodeCryptoModule | undefined {
  const runtime = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
  };
  try {
    const crypto = runtime.process?.getBuiltinModule?.('node:crypto') as
      | NodeCryptoModule
      | undefined;
    return typeof crypto?.createCipheriv === 'function' ? crypto : undefined;
  } catch {
    return undefined;
  }
}
