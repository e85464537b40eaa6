import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  type Aead,
  type AeadBackend,
  type AeadOpener,
  concatBytes,
  type DareCipher,
} from './aead.js';
import { TAG_SIZE } from './constants.js';

type NobleCipher = (
  key: Uint8Array,
  nonce: Uint8Array,
  aad?: Uint8Array,
) => {
  encrypt(plaintext: Uint8Array): Uint8Array;
  decrypt(ciphertext: Uint8Array): Uint8Array;
};

function nobleCipher(cipher: DareCipher): NobleCipher {
  return cipher === 'AES-256-GCM' ? gcm : chacha20poly1305;
}

class NobleOpener implements AeadOpener {
  readonly #pieces: Uint8Array[] = [];

  constructor(
    private readonly construct: NobleCipher,
    private readonly key: Uint8Array,
    private readonly nonce: Uint8Array,
    private readonly aad: Uint8Array,
  ) {}

  update(ciphertext: Uint8Array): void {
    // The caller may reuse its buffer once update returns, so keep a copy.
    this.#pieces.push(ciphertext.slice());
  }

  final(tag: Uint8Array): Uint8Array[] {
    this.#pieces.push(tag);
    const sealed = concatBytes(this.#pieces);
    return [this.construct(this.key, this.nonce, this.aad).decrypt(sealed)];
  }
}

/**
 * AEAD backend on @noble/ciphers: pure JavaScript, several times slower than `node:crypto`, for
 * runtimes without `node:crypto`.
 */
export const nobleAeadBackend: AeadBackend = {
  name: 'noble',
  createAead(cipher: DareCipher, key: Uint8Array): Aead {
    const construct = nobleCipher(cipher);
    const ownKey = key.slice();
    return {
      seal(nonce, aad, plaintext) {
        const sealed = construct(ownKey, nonce, aad).encrypt(concatBytes(plaintext));
        const split = sealed.length - TAG_SIZE;
        return [sealed.subarray(0, split), sealed.subarray(split)];
      },
      open(nonce, aad) {
        return new NobleOpener(construct, ownKey, nonce.slice(), aad.slice());
      },
    };
  },
};
