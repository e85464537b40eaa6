/**
 * The TLS client certificate derived from an API key, with the template the MinIO KMS Go SDK
 * uses: self-signed X.509 v3 with the API key's own key, a random serial below 2^128,
 * subject = issuer = `CN=<h1: identity>`, valid from now for 90 days, key usage
 * digitalSignature (critical), extended key usage clientAuth, basic constraints CA = false
 * (critical), no subject alternative name and no key identifiers. The server ignores CA
 * certificates, so it must not be one.
 */

import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { MinkmsApiKey } from './minkms-api-key.js';

/** Validity of a derived certificate, as the Go SDK sets it. */
export const CLIENT_CERTIFICATE_VALIDITY_MS = 90 * 24 * 60 * 60 * 1000;

/** A derived client certificate with its private key, ready for a TLS client. */
export interface ClientCertificate {
  /** The certificate, PEM. */
  certPem: string;
  /** The PKCS#8 private key, PEM. A secret. */
  keyPem: string;
  /** End of validity. */
  notAfter: Date;
}

/** Creates the self-signed client certificate of an API key. */
export async function createClientCertificate(
  apiKey: MinkmsApiKey,
  now: Date = new Date(),
): Promise<ClientCertificate> {
  const privateDer = apiKey.privateKey().export({ type: 'pkcs8', format: 'der' });
  const algorithm =
    apiKey.algorithm === 'Ed25519'
      ? { name: 'Ed25519' }
      : { name: 'ECDSA', namedCurve: apiKey.algorithm, hash: apiKey.signatureHash! };
  const crypto = webcrypto as unknown as Crypto;
  const privateKey = await crypto.subtle.importKey('pkcs8', privateDer, algorithm, false, ['sign']);
  const publicKey = await crypto.subtle.importKey('spki', apiKey.publicKeyDer(), algorithm, true, [
    'verify',
  ]);
  privateDer.fill(0);

  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + CLIENT_CERTIFICATE_VALIDITY_MS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: [{ CN: [apiKey.identity] }],
      notBefore,
      notAfter,
      signingAlgorithm: algorithm,
      keys: { privateKey, publicKey },
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        new x509.BasicConstraintsExtension(false, undefined, true),
      ],
    },
    crypto,
  );

  return {
    certPem: certificate.toString('pem'),
    keyPem: apiKey.privateKey().export({ type: 'pkcs8', format: 'pem' }) as string,
    notAfter,
  };
}

/** A random serial in [0, 2^128) as hex; a leading zero byte keeps the DER integer positive. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  const hex = bytes.toString('hex');
  return bytes[0]! >= 0x80 ? `00${hex}` : hex;
}
