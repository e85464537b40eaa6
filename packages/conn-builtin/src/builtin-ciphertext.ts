/**
 * MinIO's builtin ciphertext formats: the current binary format, which generation writes, and the
 * two legacy JSON formats, which decryption still reads.
 *
 * Current format (MinIO since May 2024, and the KES server's format for AES256 keys):
 *
 * | offset  | length | content                                        |
 * | ------- | ------ | ---------------------------------------------- |
 * | 0       | n      | AES-256-GCM ciphertext of the n-byte plaintext |
 * | n       | 16     | GCM tag                                        |
 * | n + 16  | 16     | IV, the HMAC input that derives the AES key    |
 * | n + 32  | 12     | GCM nonce                                      |
 *
 * The AES key is HMAC-SHA256(master key, IV) and the associated data is the encoded context. A
 * 32-byte data key gives 76 bytes. There is no version byte, key id or algorithm marker.
 */

// NOTE: AES-256-GCM, ChaCha20-Poly1305 and HMAC come from node:crypto, which Bun and Deno also
// provide. The @noble/ciphers fallback for runtimes without node:crypto is not written yet; core
// needs Node built-ins too (node:fs, node:diagnostics_channel), so it would not run there anyway.
import {
  type CipherGCM,
  createCipheriv,
  createDecipheriv,
  createHmac,
  type KeyObject,
} from 'node:crypto';
import { InvalidCiphertextError } from '@kmskit/core';
import { hchacha } from '@noble/ciphers/chacha.js';
import { type LegacyAlgorithm, parseLegacyCiphertext } from './legacy-json.js';

/** Length of the IV that derives the per-ciphertext key. */
export const IV_LENGTH = 16;
/** Length of the AEAD nonce. */
export const NONCE_LENGTH = 12;
/** Length of the AEAD tag. */
export const TAG_LENGTH = 16;
/** Bytes that follow the AEAD output: IV and nonce. */
const TRAILER_LENGTH = IV_LENGTH + NONCE_LENGTH;

type Algorithm = 'AES-256-GCM-HMAC-SHA-256' | LegacyAlgorithm;

/**
 * Encrypts `plaintext` in the current format with the given IV and nonce. Callers pass fresh
 * random bytes; tests pass recorded ones to reproduce MinIO's output.
 */
export function sealCurrentFormat(
  masterKey: KeyObject,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
  iv: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  const cipher = createCipheriv('aes-256-gcm', deriveAesKey(masterKey, iv), nonce, {
    authTagLength: TAG_LENGTH,
  }) as CipherGCM;
  cipher.setAAD(associatedData);
  const sealedLength = plaintext.length + TAG_LENGTH + TRAILER_LENGTH;
  const out = new Uint8Array(sealedLength);
  let offset = 0;
  for (const part of [cipher.update(plaintext), cipher.final(), cipher.getAuthTag(), iv, nonce]) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Decrypts a ciphertext in the current format or in either legacy JSON format, detected as MinIO
 * does (see `parseLegacyCiphertext`). The caller's bytes are never modified.
 *
 * @param keyName the key name, for messages.
 * @throws {InvalidCiphertextError} with reason `malformed` when the bytes are too short to hold a
 *   tag, IV and nonce, and `not-authentic` when authentication fails.
 */
export function openCiphertext(
  masterKey: KeyObject,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
  keyName: string,
): Uint8Array {
  const legacy = parseLegacyCiphertext(ciphertext);
  const algorithm: Algorithm = legacy?.algorithm ?? 'AES-256-GCM-HMAC-SHA-256';
  const sealed = legacy?.sealed ?? ciphertext.subarray(0, ciphertext.length - TRAILER_LENGTH);
  const iv = legacy?.iv ?? ciphertext.subarray(ciphertext.length - TRAILER_LENGTH);
  const nonce = legacy?.nonce ?? ciphertext.subarray(ciphertext.length - NONCE_LENGTH);

  // MinIO's Go code panics on fewer than 28 bytes, and an AEAD output shorter than its tag cannot
  // be authentic either. Both count as malformed rather than forged.
  if (!legacy && ciphertext.length < TRAILER_LENGTH + TAG_LENGTH) {
    throw new InvalidCiphertextError(
      `invalid ciphertext for key '${keyName}': it is ${ciphertext.length} bytes, but the builtin format needs at least ${TRAILER_LENGTH + TAG_LENGTH} (tag, IV and nonce); pass the ciphertext exactly as generateKey returned it`,
      { reason: 'malformed' },
    );
  }
  if (legacy && sealed.length < TAG_LENGTH) {
    throw new InvalidCiphertextError(
      `invalid ciphertext for key '${keyName}': its JSON "bytes" field contains ${sealed.length} bytes, fewer than the ${TAG_LENGTH}-byte tag; pass the ciphertext exactly as it was stored`,
      { reason: 'malformed' },
    );
  }

  const key =
    algorithm === 'ChaCha20Poly1305'
      ? deriveChaChaKey(masterKey, iv.subarray(0, IV_LENGTH))
      : deriveAesKey(masterKey, iv.subarray(0, IV_LENGTH));
  try {
    return openAead(
      algorithm === 'ChaCha20Poly1305' ? 'chacha20-poly1305' : 'aes-256-gcm',
      key,
      nonce,
      sealed,
      associatedData,
    );
  } catch (cause) {
    throw new InvalidCiphertextError(
      `ciphertext is not authentic for key '${keyName}' and this context: it was encrypted under another key or context, or it was modified`,
      { reason: 'not-authentic', cause },
    );
  } finally {
    key.fill(0);
  }
}

/** Computes HMAC-SHA256 of `message` with the master key. */
export function hmacSha256(masterKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', masterKey).update(message).digest());
}

function deriveAesKey(masterKey: KeyObject, iv: Uint8Array): Uint8Array {
  return hmacSha256(masterKey, iv);
}

/** The ChaCha constants "expand 32-byte k" as bytes. */
const SIGMA = new TextEncoder().encode('expand 32-byte k');

/**
 * Derives the legacy ChaCha20-Poly1305 key: HChaCha20(master key, 16-byte IV). noble's `hchacha`
 * takes 32-bit views of the raw bytes and handles byte order itself, so every input is first
 * copied into a fresh buffer: the views are then aligned whatever the caller's byte offset.
 */
function deriveChaChaKey(masterKey: KeyObject, iv: Uint8Array): Uint8Array {
  const exported = masterKey.export();
  const keyBytes = new Uint8Array(exported);
  exported.fill(0);
  const ivBytes = iv.slice();
  const out = new Uint8Array(32);
  hchacha(words(SIGMA.slice()), words(keyBytes), words(ivBytes), words(out));
  keyBytes.fill(0);
  return out;
}

function words(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

function openAead(
  cipherName: 'aes-256-gcm' | 'chacha20-poly1305',
  key: Uint8Array,
  nonce: Uint8Array,
  sealed: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const decipher = createDecipheriv(cipherName as 'aes-256-gcm', key, nonce, {
    authTagLength: TAG_LENGTH,
  });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_LENGTH));
  decipher.setAAD(associatedData);
  const head = decipher.update(sealed.subarray(0, sealed.length - TAG_LENGTH));
  const tail = decipher.final();
  if (tail.length === 0) return new Uint8Array(head);
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
