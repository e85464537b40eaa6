/** Client credentials for the KES test server: API keys and their identities. */

import { createHash, createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';

/** PKCS#8 wrapping of an Ed25519 seed: version 0, OID 1.3.101.112, OCTET STRING of 32 bytes. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A KES API key and the identity the server derives from it. */
export interface KesTestApiKey {
  /** `kes:v1:` followed by base64 of a zero type byte and a 32-byte Ed25519 seed. */
  apiKey: string;
  /** Hex SHA-256 of the Ed25519 public key's SubjectPublicKeyInfo DER. */
  identity: string;
}

/** Creates a random KES API key. */
export function createKesApiKey(): KesTestApiKey {
  const seed = randomBytes(32);
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return {
    apiKey: `kes:v1:${Buffer.concat([Buffer.of(0), seed]).toString('base64')}`,
    identity: createHash('sha256').update(spki).digest('hex'),
  };
}
