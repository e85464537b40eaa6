/**
 * The directory connector's ciphertext format, version 1:
 *
 * | offset | length | content                                         |
 * | ------ | ------ | ----------------------------------------------- |
 * | 0      | 1      | format version, 0x01                            |
 * | 1      | 12     | random AES-256-GCM nonce                        |
 * | 13     | n      | encrypted data key (32 bytes for generated keys) |
 * | 13 + n | 16     | GCM tag                                         |
 *
 * The AES key is HMAC-SHA256(master key, "kmskit-dir encrypt") and the associated data is the
 * encoded context. A 32-byte data key gives 61 bytes.
 */

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { InvalidCiphertextError } from '@kmskit/core';

const FORMAT_VERSION = 0x01;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + NONCE_LENGTH;
const ENCRYPT_LABEL = 'kmskit-dir encrypt';
const MAC_LABEL = 'kmskit-dir mac';

/** Encrypts a data key under a master key. */
export function seal(
  masterKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', subkey(masterKey, ENCRYPT_LABEL), nonce);
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  const out = new Uint8Array(HEADER_LENGTH + body.length);
  out[0] = FORMAT_VERSION;
  out.set(nonce, 1);
  out.set(body, HEADER_LENGTH);
  return out;
}

/**
 * Decrypts a data key. The caller's bytes are not modified.
 *
 * @throws {InvalidCiphertextError} `malformed` for a short input or an unknown version,
 *   `not-authentic` when authentication fails.
 */
export function open(
  masterKey: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
  keyName: string,
): Uint8Array {
  if (ciphertext.length < HEADER_LENGTH + TAG_LENGTH || ciphertext[0] !== FORMAT_VERSION) {
    throw new InvalidCiphertextError(
      `invalid ciphertext for key '${keyName}': not a version 1 directory-connector ciphertext of at least ${HEADER_LENGTH + TAG_LENGTH} bytes`,
      { reason: 'malformed' },
    );
  }
  const decipher = createDecipheriv(
    'aes-256-gcm',
    subkey(masterKey, ENCRYPT_LABEL),
    ciphertext.subarray(1, HEADER_LENGTH),
  );
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_LENGTH));
  decipher.setAAD(associatedData);
  try {
    const body = ciphertext.subarray(HEADER_LENGTH, ciphertext.length - TAG_LENGTH);
    return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
  } catch (cause) {
    throw new InvalidCiphertextError(
      `ciphertext is not authentic for key '${keyName}' and this context`,
      { reason: 'not-authentic', cause },
    );
  }
}

/** Computes HMAC-SHA256 of a message with the key's MAC subkey. */
export function mac(masterKey: Uint8Array, message: Uint8Array): Uint8Array {
  return new Uint8Array(
    createHmac('sha256', subkey(masterKey, MAC_LABEL)).update(message).digest(),
  );
}

/** Derives a separate key per purpose, so the encryption key never computes a MAC. */
function subkey(masterKey: Uint8Array, label: string): Buffer {
  return createHmac('sha256', masterKey).update(label).digest();
}
