/**
 * MinKMS API keys and identities.
 *
 * An API key is a private key in text form:
 * - `k1:` + base64url without padding of a 32-byte Ed25519 seed (46 characters);
 * - `k2:` + base64url without padding of a big-endian ECDSA private scalar, padded to the curve
 *   size: 32 bytes for P-256, 48 for P-384, 66 for P-521.
 *
 * The identity of a key is `h1:` + base64url without padding of the SHA-256 of its public key
 * as DER `SubjectPublicKeyInfo`. The server computes it from the client certificate, so any
 * certificate that carries the public key authenticates.
 */

import {
  createECDH,
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';
import { fromBase64UrlRaw, toBase64UrlRaw } from '@kmskit/core';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** ECDSA curves of `k2:` keys, by scalar length. */
const CURVES: Record<number, { jwk: 'P-256' | 'P-384' | 'P-521'; openssl: string }> = {
  32: { jwk: 'P-256', openssl: 'prime256v1' },
  48: { jwk: 'P-384', openssl: 'secp384r1' },
  66: { jwk: 'P-521', openssl: 'secp521r1' },
};

/** Certificate signature hashes by curve, as Go's x509 package picks them. */
const SIGNATURE_HASHES: Record<string, string | undefined> = {
  'P-256': 'SHA-256',
  'P-384': 'SHA-384',
  'P-521': 'SHA-512',
};

const IDENTITY = /^h1:[A-Za-z0-9_-]{43}$/;

/** The algorithm of an API key's private key. */
export type MinkmsKeyAlgorithm = 'Ed25519' | 'P-256' | 'P-384' | 'P-521';

/**
 * A parsed MinKMS API key. Its private key stays inside: `toString`, `toJSON` and
 * `util.inspect` show only the algorithm and the identity.
 */
export class MinkmsApiKey {
  /** The key algorithm: `Ed25519` for `k1:` keys, an ECDSA curve for `k2:` keys. */
  readonly algorithm: MinkmsKeyAlgorithm;
  /** The `h1:` identity that the server sees. */
  readonly identity: string;
  readonly #text: string;
  readonly #privateKey: KeyObject;
  readonly #publicKeyDer: Uint8Array;

  /** @internal Use `parseMinkmsApiKey`. */
  constructor(text: string, algorithm: MinkmsKeyAlgorithm, privateKey: KeyObject) {
    this.#text = text;
    this.algorithm = algorithm;
    this.#privateKey = privateKey;
    this.#publicKeyDer = new Uint8Array(
      createPublicKey(privateKey).export({ type: 'spki', format: 'der' }),
    );
    this.identity = identityOfSpki(this.#publicKeyDer);
  }

  /** The public key as DER `SubjectPublicKeyInfo` (a copy). */
  publicKeyDer(): Uint8Array<ArrayBuffer> {
    return this.#publicKeyDer.slice();
  }

  /** The private key as a Node.js `KeyObject`. Treat it as a secret. */
  privateKey(): KeyObject {
    return this.#privateKey;
  }

  /** The hash of an ECDSA certificate signature (`SHA-256` for P-256, …); `undefined` for Ed25519. */
  get signatureHash(): string | undefined {
    return SIGNATURE_HASHES[this.algorithm];
  }

  /** The API key text (`k1:…` or `k2:…`). It is the secret: never log it. */
  toSecretString(): string {
    return this.#text;
  }

  toString(): string {
    return `MinkmsApiKey(${this.algorithm}, ${this.identity})`;
  }

  toJSON(): { algorithm: MinkmsKeyAlgorithm; identity: string } {
    return { algorithm: this.algorithm, identity: this.identity };
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * Parses a MinKMS API key (`k1:` Ed25519 or `k2:` ECDSA P-256/P-384/P-521).
 *
 * @throws {TypeError} when the text is not an API key. The message never contains the key.
 * @example
 * const key = parseMinkmsApiKey(process.env.MINIO_KMS_API_KEY!);
 * console.log(key.identity); // h1:…
 */
export function parseMinkmsApiKey(text: string): MinkmsApiKey {
  if (typeof text !== 'string') {
    throw new TypeError(`invalid MinKMS API key: expected a string, got ${typeof text}`);
  }
  const type = text.slice(0, 3);
  if (type !== 'k1:' && type !== 'k2:') {
    throw new TypeError(
      "invalid MinKMS API key: it must start with 'k1:' (Ed25519) or 'k2:' (ECDSA); KES keys ('kes:v1:…') are not MinKMS keys",
    );
  }
  const bytes = fromBase64UrlRaw(text.slice(3));
  if (bytes === undefined) {
    throw new TypeError(
      `invalid MinKMS API key: the part after '${type}' is not unpadded URL-safe base64`,
    );
  }
  try {
    return type === 'k1:' ? parseEd25519(text, bytes) : parseEcdsa(text, bytes);
  } finally {
    bytes.fill(0);
  }
}

/**
 * Returns the `h1:` identity of an API key (text or parsed), a certificate, or a public or
 * private key.
 *
 * @throws {TypeError} for an invalid API key or an unsupported input.
 */
export function minkmsIdentity(
  source: string | MinkmsApiKey | X509Certificate | KeyObject | Uint8Array,
): string {
  if (typeof source === 'string') return parseMinkmsApiKey(source).identity;
  if (source instanceof MinkmsApiKey) return source.identity;
  if (source instanceof X509Certificate) {
    return identityOfSpki(source.publicKey.export({ type: 'spki', format: 'der' }));
  }
  if (source instanceof Uint8Array) return identityOfSpki(source);
  if (typeof source === 'object' && source !== null && 'asymmetricKeyType' in source) {
    const publicKey = source.type === 'private' ? createPublicKey(source) : source;
    return identityOfSpki(publicKey.export({ type: 'spki', format: 'der' }));
  }
  throw new TypeError(
    'minkmsIdentity: expected an API key, an X509Certificate, a KeyObject or SPKI DER bytes',
  );
}

/**
 * Parses an identity string: `h1:` and 43 characters of unpadded URL-safe base64 (a SHA-256
 * hash), or `''` for no identity. Returns it unchanged.
 *
 * @throws {TypeError} for anything else.
 */
export function parseMinkmsIdentity(text: string): string {
  if (text === '') return '';
  if (typeof text === 'string' && IDENTITY.test(text)) {
    const hash = fromBase64UrlRaw(text.slice(3));
    if (hash?.length === 32) return text;
  }
  throw new TypeError(
    `invalid MinKMS identity ${JSON.stringify(String(text).slice(0, 60))}: expected 'h1:' followed by 43 URL-safe base64 characters`,
  );
}

function identityOfSpki(spki: Uint8Array): string {
  return `h1:${toBase64UrlRaw(createHash('sha256').update(spki).digest())}`;
}

function parseEd25519(text: string, seed: Uint8Array): MinkmsApiKey {
  if (seed.length !== 32) {
    throw new TypeError(
      `invalid MinKMS API key: a 'k1:' key contains a 32-byte Ed25519 seed, this one decodes to ${seed.length} bytes`,
    );
  }
  const der = new Uint8Array(ED25519_PKCS8_PREFIX.length + 32);
  der.set(ED25519_PKCS8_PREFIX);
  der.set(seed, ED25519_PKCS8_PREFIX.length);
  try {
    const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    return new MinkmsApiKey(text, 'Ed25519', key);
  } finally {
    der.fill(0);
  }
}

function parseEcdsa(text: string, scalar: Uint8Array): MinkmsApiKey {
  const curve = CURVES[scalar.length];
  if (!curve) {
    throw new TypeError(
      `invalid MinKMS API key: a 'k2:' key contains an ECDSA scalar of 32 (P-256), 48 (P-384) or 66 (P-521) bytes, this one decodes to ${scalar.length} bytes`,
    );
  }
  let point: Buffer;
  try {
    const ecdh = createECDH(curve.openssl);
    ecdh.setPrivateKey(Buffer.from(scalar));
    point = ecdh.getPublicKey();
  } catch {
    throw new TypeError(
      `invalid MinKMS API key: the 'k2:' scalar is not a valid ${curve.jwk} private key`,
    );
  }
  const size = (point.length - 1) / 2;
  const key = createPrivateKey({
    key: {
      kty: 'EC',
      crv: curve.jwk,
      d: toBase64UrlRaw(scalar),
      x: toBase64UrlRaw(point.subarray(1, 1 + size)),
      y: toBase64UrlRaw(point.subarray(1 + size)),
    },
    format: 'jwk',
  });
  return new MinkmsApiKey(text, curve.jwk, key);
}
