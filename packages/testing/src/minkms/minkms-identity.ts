/** API keys and `h1:` identities for the MinKMS test server. */

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  randomBytes,
  X509Certificate,
} from 'node:crypto';

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Creates a random `k1:` API key and returns it with its identity. */
export function createMinkmsApiKey(): { apiKey: string; identity: string } {
  const apiKey = `k1:${randomBytes(32).toString('base64url')}`;
  return { apiKey, identity: identityOfApiKey(apiKey) };
}

/**
 * Returns the identity of a `k1:` API key: `h1:` + unpadded base64url of the SHA-256 of the
 * Ed25519 public key as DER SubjectPublicKeyInfo.
 *
 * @throws {TypeError} for anything but a `k1:` key.
 */
export function identityOfApiKey(apiKey: string): string {
  const seed = apiKey.startsWith('k1:')
    ? Buffer.from(apiKey.slice(3), 'base64url')
    : Buffer.alloc(0);
  if (seed.length !== 32 || seed.toString('base64url') !== apiKey.slice(3)) {
    throw new TypeError("startMinkmsServer: `apiKey` must be a 'k1:' MinKMS API key");
  }
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return identityOfSpki(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }));
}

/**
 * Returns the identity of a client certificate in DER, or `undefined` for a CA certificate,
 * which MinKMS does not accept as a client identity.
 */
export function identityOfCertificate(der: Buffer): string | undefined {
  const certificate = new X509Certificate(der);
  if (certificate.ca) return undefined;
  return identityOfSpki(certificate.publicKey.export({ type: 'spki', format: 'der' }));
}

function identityOfSpki(spki: Buffer): string {
  return `h1:${createHash('sha256').update(spki).digest('base64url')}`;
}
