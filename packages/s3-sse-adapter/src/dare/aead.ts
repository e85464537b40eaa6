/**
 * The AEAD interface DARE encrypts and decrypts packages through. Two backends implement it:
 * `node:crypto` (fast, used whenever the runtime has it) and @noble/ciphers (pure JavaScript, for
 * runtimes without `node:crypto`, such as browsers and edge workers).
 */

/** A DARE cipher suite: id 0x00 is AES-256-GCM, id 0x01 is ChaCha20-Poly1305 (IETF, 12-byte nonce). */
export type DareCipher = 'AES-256-GCM' | 'ChaCha20-Poly1305';

/** Cipher suites by their id in byte 1 of a package header. */
export const CIPHER_BY_ID: readonly DareCipher[] = ['AES-256-GCM', 'ChaCha20-Poly1305'];

/** Decryption of one package whose plaintext is released only after its tag verifies. */
export interface AeadOpener {
  /** Decrypts the next piece of the package's ciphertext and keeps the plaintext back. */
  update(ciphertext: Uint8Array): void;
  /**
   * Verifies `tag` and returns the plaintext pieces in order.
   *
   * @throws {Error} when the tag does not verify; the caller turns this into a `DareError`.
   */
  final(tag: Uint8Array): Uint8Array[];
}

/** One key prepared for one cipher suite. */
export interface Aead {
  /**
   * Encrypts the concatenation of `plaintext` with `nonce` (12 bytes) and `aad`. Returns the
   * ciphertext, possibly in several pieces, followed by the 16-byte tag as the last element.
   */
  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: readonly Uint8Array[]): Uint8Array[];
  /** Starts decrypting one package encrypted with `nonce` and `aad`. */
  open(nonce: Uint8Array, aad: Uint8Array): AeadOpener;
}

/** A source of AEAD implementations. */
export interface AeadBackend {
  /** `node` or `noble` for the built-in backends. */
  readonly name: string;
  /** Prepares the 32-byte `key` for `cipher`. */
  createAead(cipher: DareCipher, key: Uint8Array): Aead;
}

/** Concatenates `pieces` into one array; returns the only piece unchanged. */
export function concatBytes(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1) {
    return pieces[0]!;
  }
  let length = 0;
  for (const piece of pieces) {
    length += piece.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += piece.length;
  }
  return out;
}
