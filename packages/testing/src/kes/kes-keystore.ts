/**
 * The key store shared by all listeners of a KES test server, and the ciphertext formats.
 *
 * Newer KES servers return the binary layout `sealed || IV (16) || nonce (12)`, where `sealed` is
 * AES-256-GCM under HMAC-SHA256(master key, IV) with the context as associated data (the same as
 * MinIO's builtin format). KES v0.22 returns a MessagePack array of five items: algorithm name,
 * key id, IV, nonce and sealed bytes, with the same cryptography. Both are accepted on decrypt.
 */

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** A master key and its metadata. */
export interface KesStoredKey {
  /** 32 bytes of AES-256 key material. */
  key: Buffer;
  /** A random id, reported by v0.22 and written into its ciphertexts. */
  id: string;
  createdAt: Date;
  /** The identity that created the key. */
  createdBy: string;
}

const IV_LENGTH = 16;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const LEGACY_ALGORITHM = 'AES256-GCM_SHA256';

/** Keys by name. */
export class KesKeyStore {
  readonly #keys = new Map<string, KesStoredKey>();

  /** Adds a key. Returns false when the name exists. */
  create(name: string, key: Buffer, createdBy: string): boolean {
    if (this.#keys.has(name)) return false;
    this.#keys.set(name, {
      key,
      id: randomBytes(16).toString('hex'),
      createdAt: new Date(),
      createdBy,
    });
    return true;
  }

  get(name: string): KesStoredKey | undefined {
    return this.#keys.get(name);
  }

  delete(name: string): void {
    this.#keys.delete(name);
  }

  /** Returns the names in insertion order. */
  names(): string[] {
    return [...this.#keys.keys()];
  }
}

/** Encrypts `plaintext` in the format of the given server generation. */
export function sealKes(
  stored: KesStoredKey,
  plaintext: Buffer,
  context: Buffer,
  legacy: boolean,
): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', deriveKey(stored.key, iv), nonce);
  cipher.setAAD(context);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  if (!legacy) return Buffer.concat([sealed, iv, nonce]);
  return Buffer.concat([
    Buffer.of(0x95),
    packString(LEGACY_ALGORITHM),
    packString(stored.id),
    packBinary(iv),
    packBinary(nonce),
    packBinary(sealed),
  ]);
}

/**
 * Decrypts either format. Returns `undefined` when the ciphertext is malformed or not authentic.
 * A binary ciphertext starts with a random byte, which is the MessagePack array marker 0x95 once
 * in 256 times, so the binary layout is tried whenever the MessagePack reading fails.
 */
export function openKes(
  stored: KesStoredKey,
  ciphertext: Buffer,
  context: Buffer,
): Buffer | undefined {
  if (ciphertext[0] === 0x95) {
    const legacy = unpackLegacy(ciphertext, stored.id);
    const plaintext = legacy && openParts(stored, legacy, context);
    if (plaintext) return plaintext;
  }
  const parts = splitBinary(ciphertext);
  return parts && openParts(stored, parts, context);
}

function openParts(stored: KesStoredKey, parts: Parts, context: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', deriveKey(stored.key, parts.iv), parts.nonce);
    decipher.setAAD(context);
    decipher.setAuthTag(parts.sealed.subarray(parts.sealed.length - TAG_LENGTH));
    return Buffer.concat([
      decipher.update(parts.sealed.subarray(0, parts.sealed.length - TAG_LENGTH)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
}

/** HMAC-SHA256 of `message` under a key derived from the master key. */
export function hmacKes(stored: KesStoredKey, message: Buffer): Buffer {
  const macKey = createHmac('sha256', stored.key).update('kmskit test server hmac key').digest();
  return createHmac('sha256', macKey).update(message).digest();
}

interface Parts {
  iv: Buffer;
  nonce: Buffer;
  sealed: Buffer;
}

function deriveKey(master: Buffer, iv: Buffer): Buffer {
  return createHmac('sha256', master).update(iv).digest();
}

function splitBinary(ciphertext: Buffer): Parts | undefined {
  if (ciphertext.length < TAG_LENGTH + IV_LENGTH + NONCE_LENGTH) return undefined;
  const end = ciphertext.length;
  return {
    sealed: ciphertext.subarray(0, end - IV_LENGTH - NONCE_LENGTH),
    iv: ciphertext.subarray(end - IV_LENGTH - NONCE_LENGTH, end - NONCE_LENGTH),
    nonce: ciphertext.subarray(end - NONCE_LENGTH),
  };
}

function unpackLegacy(ciphertext: Buffer, keyId: string): Parts | undefined {
  const reader = { offset: 1 };
  const algorithm = readString(ciphertext, reader);
  const id = readString(ciphertext, reader);
  const iv = readBinary(ciphertext, reader);
  const nonce = readBinary(ciphertext, reader);
  const sealed = readBinary(ciphertext, reader);
  if (algorithm !== LEGACY_ALGORITHM || id !== keyId || !iv || !nonce || !sealed) return undefined;
  if (iv.length !== IV_LENGTH || nonce.length !== NONCE_LENGTH || sealed.length < TAG_LENGTH)
    return undefined;
  if (reader.offset !== ciphertext.length) return undefined;
  return { iv, nonce, sealed };
}

// MessagePack: fixstr (0xa0 | n) up to 31 bytes, str8 (0xd9 n), bin8 (0xc4 n), bin16 (0xc5 nn).
function packString(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([
    bytes.length < 32 ? Buffer.of(0xa0 | bytes.length) : Buffer.of(0xd9, bytes.length),
    bytes,
  ]);
}

function packBinary(bytes: Buffer): Buffer {
  const header =
    bytes.length < 256
      ? Buffer.of(0xc4, bytes.length)
      : Buffer.of(0xc5, bytes.length >> 8, bytes.length & 0xff);
  return Buffer.concat([header, bytes]);
}

function readString(buffer: Buffer, reader: { offset: number }): string | undefined {
  const tag = buffer[reader.offset];
  if (tag === undefined) return undefined;
  let length: number;
  if ((tag & 0xe0) === 0xa0) {
    length = tag & 0x1f;
    reader.offset += 1;
  } else if (tag === 0xd9 && reader.offset + 1 < buffer.length) {
    length = buffer[reader.offset + 1]!;
    reader.offset += 2;
  } else {
    return undefined;
  }
  if (reader.offset + length > buffer.length) return undefined;
  const text = buffer.toString('utf8', reader.offset, reader.offset + length);
  reader.offset += length;
  return text;
}

function readBinary(buffer: Buffer, reader: { offset: number }): Buffer | undefined {
  const tag = buffer[reader.offset];
  let length: number;
  if (tag === 0xc4 && reader.offset + 1 < buffer.length) {
    length = buffer[reader.offset + 1]!;
    reader.offset += 2;
  } else if (tag === 0xc5 && reader.offset + 2 < buffer.length) {
    length = buffer.readUInt16BE(reader.offset + 1);
    reader.offset += 3;
  } else {
    return undefined;
  }
  if (reader.offset + length > buffer.length) return undefined;
  const bytes = buffer.subarray(reader.offset, reader.offset + length);
  reader.offset += length;
  return bytes;
}
