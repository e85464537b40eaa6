/**
 * KES API keys and identities.
 *
 * An API key is `kes:v1:` followed by standard base64 of 33 bytes: a type byte (0 = Ed25519) and
 * the 32-byte Ed25519 seed. The identity of a client is the lowercase hex SHA-256 of the DER
 * `SubjectPublicKeyInfo` of its public key, for API keys and certificate files alike.
 */

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';
import { fromBase64, toBase64 } from '@kmskit/core';

const PREFIX = 'kes:v1:';
const KEY_LENGTH = 33;
const TYPE_ED25519 = 0;
/** PKCS#8 wrapping of an Ed25519 seed: version 0, OID 1.3.101.112, OCTET STRING of 32 bytes. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** SPKI of an Ed25519 public key: OID 1.3.101.112 without parameters, BIT STRING of 32 bytes. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A parsed KES API key. It contains an Ed25519 private key, so its text form is only available
 * through `exportText()`; `toString`, `toJSON` and `util.inspect` show the identity alone.
 */
export class KesApiKey {
  /** The identity: lowercase hex SHA-256 of the public key's SPKI DER. */
  readonly identity: string;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
  readonly #seed: Uint8Array;

  /** @internal Use `parseKesApiKey`. */
  constructor(seed: Uint8Array) {
    this.#seed = Uint8Array.from(seed);
    const spki = createPublicKey(this.privateKey()).export({ format: 'der', type: 'spki' });
    this.publicKey = new Uint8Array(spki.subarray(ED25519_SPKI_PREFIX.length));
    this.identity = createHash('sha256').update(spki).digest('hex');
  }

  /** Returns the API key text `kes:v1:…`. It is a secret: never log it. */
  exportText(): string {
    return PREFIX + toBase64(Uint8Array.of(TYPE_ED25519, ...this.#seed));
  }

  /** Returns a copy of the 32-byte Ed25519 seed. It is a secret. */
  exportSeed(): Uint8Array {
    return Uint8Array.from(this.#seed);
  }

  /** Returns the Ed25519 private key as a Node `KeyObject`. */
  privateKey(): KeyObject {
    const der = Buffer.concat([ED25519_PKCS8_PREFIX, this.#seed]);
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  }

  /** Returns the DER `SubjectPublicKeyInfo` of the public key. */
  spki(): Uint8Array {
    return new Uint8Array(Buffer.concat([ED25519_SPKI_PREFIX, this.publicKey]));
  }

  toString(): string {
    return `KesApiKey(identity=${this.identity})`;
  }

  toJSON(): { identity: string } {
    return { identity: this.identity };
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * Parses a KES API key. The `kes:v1:` prefix may be left out, as KES allows.
 *
 * @throws {TypeError} when the text is not valid base64 of 33 bytes or the type byte is not 0
 *   (Ed25519). The message never contains the key.
 * @example parseKesApiKey('kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc').identity
 */
export function parseKesApiKey(text: string): KesApiKey {
  if (typeof text !== 'string') {
    throw new TypeError(`invalid KES API key: expected a string, got ${typeof text}`);
  }
  const trimmed = text.trim();
  const encoded = trimmed.startsWith(PREFIX) ? trimmed.slice(PREFIX.length) : trimmed;
  const bytes = fromBase64(encoded);
  if (bytes === undefined) {
    throw new TypeError(
      "invalid KES API key: it is not 'kes:v1:' followed by standard base64; copy the key as `kes identity new` printed it",
    );
  }
  if (bytes.length !== KEY_LENGTH) {
    throw new TypeError(
      `invalid KES API key: it decodes to ${bytes.length} bytes, expected ${KEY_LENGTH}; copy the whole key`,
    );
  }
  if (bytes[0] !== TYPE_ED25519) {
    throw new TypeError(
      `invalid KES API key: unsupported key type ${bytes[0]}, only 0 (Ed25519) exists`,
    );
  }
  const key = new KesApiKey(bytes.subarray(1));
  bytes.fill(0);
  return key;
}

/**
 * Computes a KES identity: the lowercase hex SHA-256 of the DER `SubjectPublicKeyInfo`.
 *
 * @param source a PEM certificate or public key, an `X509Certificate`, a `KeyObject` (public or
 *   private), a `KesApiKey`, DER SPKI bytes, or the 32 raw bytes of an Ed25519 public key.
 * @throws {TypeError} when no public key can be read from `source`.
 */
export function kesIdentity(
  source: string | Uint8Array | KeyObject | X509Certificate | KesApiKey,
): string {
  return createHash('sha256').update(spkiOf(source)).digest('hex');
}

function spkiOf(source: string | Uint8Array | KeyObject | X509Certificate | KesApiKey): Uint8Array {
  if (source instanceof KesApiKey) return source.spki();
  if (source instanceof X509Certificate) return exportSpki(source.publicKey);
  if (source instanceof Uint8Array) {
    if (source.length === 32) return Buffer.concat([ED25519_SPKI_PREFIX, source]);
    return exportSpki(createPublicKey({ key: Buffer.from(source), format: 'der', type: 'spki' }));
  }
  if (typeof source === 'string') {
    if (source.includes('-----BEGIN CERTIFICATE-----')) {
      return exportSpki(new X509Certificate(source).publicKey);
    }
    try {
      return exportSpki(createPublicKey(source));
    } catch (cause) {
      throw new TypeError(
        'kesIdentity: invalid input: expected a PEM certificate or public key, got other text',
        { cause },
      );
    }
  }
  if (typeof source === 'object' && source !== null && 'asymmetricKeyType' in source) {
    return exportSpki(source.type === 'private' ? createPublicKey(source) : source);
  }
  throw new TypeError(
    'kesIdentity: expected a PEM certificate or public key, an X509Certificate, a KeyObject, a KesApiKey or SPKI bytes',
  );
}

function exportSpki(key: KeyObject): Uint8Array {
  return key.export({ format: 'der', type: 'spki' });
}
