/**
 * The key store of the MinKMS test server: enclaves holding keys, each key a ring of versions.
 *
 * Ciphertext layout of this server (the MinIO builtin layout with a version tag in front):
 *
 * | offset    | length | content                                            |
 * | --------- | ------ | -------------------------------------------------- |
 * | 0         | 4      | key version, big-endian (u32)                      |
 * | 4         | n      | AES-256-GCM ciphertext of the n plaintext bytes    |
 * | 4 + n     | 16     | GCM tag                                            |
 * | 20 + n    | 16     | IV                                                 |
 * | 36 + n    | 12     | GCM nonce                                          |
 *
 * The AES key is HMAC-SHA256(version key, IV) and the associated data is the request's. Without
 * the first 4 bytes this is exactly the ciphertext of MinIO's builtin KMS and of a KES AES256
 * key, so a key imported from either decrypts their ciphertexts.
 *
 * Decrypt picks the key version like this:
 * - version N > 0: version N must exist (else 404 `key version does not exist`); the ciphertext
 *   is read as tagged when its tag is N, else as untagged.
 * - version 0: the version in the tag, when that version exists and authenticates the
 *   ciphertext. Otherwise the ciphertext is read as untagged, because it was written before
 *   versions or by MinIO's builtin KMS or KES, and tried with every version, newest first.
 * Nothing that authenticates gives 400 `invalid ciphertext`.
 */

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** An error the server returns as an HTTP status and message. */
export class MinkmsServerError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'MinkmsServerError';
    this.status = status;
  }
}

/** One version of a key. */
export interface MinkmsKeyVersion {
  version: number;
  /** The 256-bit key. */
  key: Buffer;
  createdAt: Date;
  createdBy: string;
}

const TAG_LENGTH = 4;
const GCM_TAG_LENGTH = 16;
const IV_LENGTH = 16;
const NONCE_LENGTH = 12;
const TRAILER_LENGTH = IV_LENGTH + NONCE_LENGTH;

/** Messages of the MinIO KMS Go SDK's well-known errors. */
export const MINKMS_ERRORS = {
  permission: 'access denied: insufficient permissions',
  enclaveExists: 'enclave already exists',
  enclaveNotFound: 'enclave does not exist',
  keyExists: 'key already exists',
  keyNotFound: 'key does not exist',
  decrypt: 'invalid ciphertext',
} as const;

/** Enclaves, keys and versions, shared by all listeners of a server. */
export class MinkmsKeyStore {
  readonly #enclaves = new Map<string, Map<string, MinkmsKeyVersion[]>>();

  /** Creates an enclave. @throws {MinkmsServerError} 409 when it exists. */
  createEnclave(name: string): void {
    if (this.#enclaves.has(name)) throw new MinkmsServerError(409, MINKMS_ERRORS.enclaveExists);
    this.#enclaves.set(name, new Map());
  }

  /** Reports whether an enclave exists. */
  hasEnclave(name: string): boolean {
    return this.#enclaves.has(name);
  }

  /**
   * Creates a key with version 1, or with `addVersion` adds a version to an existing key.
   * `key` sets the key bytes (import); they are random otherwise.
   */
  createKey(
    enclave: string,
    name: string,
    options: { addVersion?: boolean; key?: Uint8Array; createdBy?: string } = {},
  ): MinkmsKeyVersion {
    const keys = this.#enclave(enclave);
    const ring = keys.get(name);
    if (ring !== undefined && !options.addVersion)
      throw new MinkmsServerError(409, MINKMS_ERRORS.keyExists);
    if (ring === undefined && options.addVersion)
      throw new MinkmsServerError(404, MINKMS_ERRORS.keyNotFound);
    if (options.key !== undefined && options.key.length !== 32) {
      throw new MinkmsServerError(400, `invalid key: expected 32 bytes, got ${options.key.length}`);
    }

    const version: MinkmsKeyVersion = {
      version: ring === undefined ? 1 : ring[ring.length - 1]!.version + 1,
      key: options.key === undefined ? randomBytes(32) : Buffer.from(options.key),
      createdAt: new Date(),
      createdBy: options.createdBy ?? '',
    };
    if (ring === undefined) keys.set(name, [version]);
    else ring.push(version);
    return version;
  }

  /** Deletes all versions, one version, or the latest version (0) of a key. */
  deleteKey(
    enclave: string,
    name: string,
    options: { version?: number; allVersions?: boolean } = {},
  ): void {
    const keys = this.#enclave(enclave);
    const ring = this.#ring(keys, name);
    const version = options.version ?? 0;
    if (options.allVersions && version > 0) {
      throw new MinkmsServerError(400, 'invalid request: version and all_versions are exclusive');
    }
    if (options.allVersions) {
      keys.delete(name);
      return;
    }
    const index =
      version === 0 ? ring.length - 1 : ring.findIndex((item) => item.version === version);
    if (index < 0) throw new MinkmsServerError(404, 'key version does not exist');
    ring.splice(index, 1);
    if (ring.length === 0) keys.delete(name);
  }

  /** Returns the versions of a key, oldest first. */
  versions(enclave: string, name: string): MinkmsKeyVersion[] {
    return [...this.#ring(this.#enclave(enclave), name)];
  }

  /** Returns one version (0 = latest). */
  keyVersion(enclave: string, name: string, version: number): MinkmsKeyVersion {
    const ring = this.#ring(this.#enclave(enclave), name);
    if (version === 0) return ring[ring.length - 1]!;
    const found = ring.find((item) => item.version === version);
    if (!found) throw new MinkmsServerError(404, 'key version does not exist');
    return found;
  }

  /** Encrypts with one version (0 = latest) and returns the tagged ciphertext. */
  encrypt(
    enclave: string,
    name: string,
    version: number,
    plaintext: Uint8Array,
    associatedData: Uint8Array,
  ): { version: number; ciphertext: Buffer } {
    const keyVersion = this.keyVersion(enclave, name, version);
    const tag = Buffer.alloc(TAG_LENGTH);
    tag.writeUInt32BE(keyVersion.version);
    return {
      version: keyVersion.version,
      ciphertext: Buffer.concat([tag, seal(keyVersion.key, plaintext, associatedData)]),
    };
  }

  /** Decrypts a ciphertext; see the file comment for how the version is chosen. */
  decrypt(
    enclave: string,
    name: string,
    version: number,
    ciphertext: Uint8Array,
    associatedData: Uint8Array,
  ): Buffer {
    const ring = this.#ring(this.#enclave(enclave), name);
    if (version > 0) this.keyVersion(enclave, name, version);

    const bytes = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.byteLength);
    const tagged =
      bytes.length >= TAG_LENGTH + GCM_TAG_LENGTH + TRAILER_LENGTH ? bytes.readUInt32BE(0) : 0;
    const taggedVersion = ring.find((item) => item.version === tagged);
    if (taggedVersion && (version === 0 || version === tagged)) {
      const plaintext = open(taggedVersion.key, bytes.subarray(TAG_LENGTH), associatedData);
      if (plaintext) return plaintext;
    }

    const candidates =
      version > 0 ? ring.filter((item) => item.version === version) : [...ring].reverse();
    for (const candidate of candidates) {
      const plaintext = open(candidate.key, bytes, associatedData);
      if (plaintext) return plaintext;
    }
    throw new MinkmsServerError(400, MINKMS_ERRORS.decrypt);
  }

  /** HMAC-SHA256 of `message` with one version (0 = latest). */
  mac(
    enclave: string,
    name: string,
    version: number,
    message: Uint8Array,
  ): { version: number; mac: Buffer } {
    const keyVersion = this.keyVersion(enclave, name, version);
    return {
      version: keyVersion.version,
      mac: createHmac('sha256', keyVersion.key).update(message).digest(),
    };
  }

  /**
   * Lists keys in byte order of their names: those starting with `prefix`, from `continueAt`
   * on, at most `limit`. `continueAt` of the result is the next name, or `''`.
   */
  list(
    enclave: string,
    prefix: string,
    continueAt: string,
    limit: number,
  ): { keys: Array<{ name: string; latest: MinkmsKeyVersion }>; continueAt: string } {
    const keys = this.#enclave(enclave);
    const names = [...keys.keys()]
      .filter(
        (name) =>
          name.startsWith(prefix) &&
          Buffer.compare(Buffer.from(name), Buffer.from(continueAt)) >= 0,
      )
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const page = names.slice(0, limit);
    return {
      keys: page.map((name) => ({ name, latest: keys.get(name)!.at(-1)! })),
      continueAt: names[limit] ?? '',
    };
  }

  #enclave(name: string): Map<string, MinkmsKeyVersion[]> {
    const keys = this.#enclaves.get(name);
    if (!keys) throw new MinkmsServerError(404, MINKMS_ERRORS.enclaveNotFound);
    return keys;
  }

  #ring(keys: Map<string, MinkmsKeyVersion[]>, name: string): MinkmsKeyVersion[] {
    const ring = keys.get(name);
    if (!ring) throw new MinkmsServerError(404, MINKMS_ERRORS.keyNotFound);
    return ring;
  }
}

/** Encrypts in the MinIO builtin layout: ciphertext ‖ GCM tag ‖ IV ‖ nonce. */
export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Buffer {
  const iv = randomBytes(IV_LENGTH);
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv(
    'aes-256-gcm',
    createHmac('sha256', key).update(iv).digest(),
    nonce,
  );
  cipher.setAAD(associatedData);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag(), iv, nonce]);
}

/** Decrypts the MinIO builtin layout; returns `undefined` when it does not authenticate. */
export function open(
  key: Uint8Array,
  ciphertext: Buffer,
  associatedData: Uint8Array,
): Buffer | undefined {
  if (ciphertext.length < GCM_TAG_LENGTH + TRAILER_LENGTH) return undefined;
  const trailer = ciphertext.length - TRAILER_LENGTH;
  const iv = ciphertext.subarray(trailer, trailer + IV_LENGTH);
  const nonce = ciphertext.subarray(trailer + IV_LENGTH);
  const sealed = ciphertext.subarray(0, trailer);
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      createHmac('sha256', key).update(iv).digest(),
      nonce,
    );
    decipher.setAAD(associatedData);
    decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_LENGTH));
    return Buffer.concat([
      decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_LENGTH)),
      decipher.final(),
    ]);
  } catch {
    return undefined;
  }
}
