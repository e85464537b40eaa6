import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createDareDecryptStream,
  createDareEncryptStream,
  createNodeAeadBackend,
  type DareCipher,
  DareError,
  decryptDare,
  defaultAeadBackend,
  encryptDare,
  nobleAeadBackend,
  selectAeadBackend,
} from '../src/dare/index.js';
import {
  concat,
  fromHex,
  patternBytes,
  readAll,
  sameBytes,
  sha256Hex,
  streamOf,
  TEST_KEY,
  toHex,
} from './dare-helpers.js';

const NONCE = fromHex('f0f1f2f3f4f5f6f7f8f9fafb');
const CIPHERS: DareCipher[] = ['AES-256-GCM', 'ChaCha20-Poly1305'];

describe('AEAD backend selection', () => {
  it('defaults to node crypto', () => {
    expect(defaultAeadBackend().name).toBe('node');
    expect(selectAeadBackend().name).toBe('node');
  });

  it('falls back without node crypto', () => {
    expect(selectAeadBackend(() => undefined).name).toBe('noble');
  });

  it('missing chacha uses noble', () => {
    const withoutChaCha = { ...nodeCrypto, getCiphers: () => ['aes-256-gcm'] };
    const backend = createNodeAeadBackend(withoutChaCha as typeof nodeCrypto);
    const plaintext = patternBytes(1_000);
    const sealed = encryptDare(TEST_KEY, plaintext, {
      cipher: 'ChaCha20-Poly1305',
      nonce: NONCE,
      backend,
    });
    const reference = encryptDare(TEST_KEY, plaintext, {
      cipher: 'ChaCha20-Poly1305',
      nonce: NONCE,
    });
    expect(toHex(sealed)).toBe(toHex(reference));
  });
});

describe('noble backend forced', () => {
  it('matches node ciphertext bytes', () => {
    for (const cipher of CIPHERS) {
      for (const size of [1, 65_536, 140_000]) {
        const plaintext = patternBytes(size);
        const node = encryptDare(TEST_KEY, plaintext, { cipher, nonce: NONCE });
        const noble = encryptDare(TEST_KEY, plaintext, {
          cipher,
          nonce: NONCE,
          backend: nobleAeadBackend,
        });
        expect(sha256Hex(noble), `${cipher} ${size}`).toBe(sha256Hex(node));
        const opened = decryptDare(TEST_KEY, node, { backend: nobleAeadBackend });
        expect(sameBytes(opened, plaintext), `${cipher} ${size}`).toBe(true);
      }
    }
  });

  it('matches sio golden package', () => {
    const sealed = encryptDare(TEST_KEY, new Uint8Array(1), {
      nonce: fromHex('000102030405060708090a0b'),
      backend: nobleAeadBackend,
    });
    expect(toHex(sealed)).toBe(
      '20000000800102030405060708090a0b29c5f2b6d44cf237128fb2917fd04d2d1f',
    );
  });

  it('detects tampering typed', () => {
    for (const cipher of CIPHERS) {
      const sealed = encryptDare(TEST_KEY, patternBytes(70_000), { cipher });
      sealed[200]! ^= 4;
      let caught: unknown;
      try {
        decryptDare(TEST_KEY, sealed, { backend: nobleAeadBackend });
      } catch (error) {
        caught = error;
      }
      expect(DareError.isInstance(caught), cipher).toBe(true);
      expect((caught as DareError).code).toBe('DARE_AUTHENTICATION_FAILED');
    }
  });

  it('streams through noble', async () => {
    const plaintext = patternBytes(150_000);
    const sealed = concat(
      await readAll(
        streamOf([plaintext]).pipeThrough(
          createDareEncryptStream(TEST_KEY, {
            backend: nobleAeadBackend,
            cipher: 'ChaCha20-Poly1305',
          }),
        ),
      ),
    );
    const opened = await readAll(
      streamOf([sealed]).pipeThrough(
        createDareDecryptStream(TEST_KEY, { backend: nobleAeadBackend }),
      ),
    );
    expect(sameBytes(concat(opened), plaintext)).toBe(true);
  });
});
