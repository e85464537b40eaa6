/**
 * The self-signed client certificate that carries a KES API key's public key over mutual TLS.
 * The server identifies the client by the certificate's public key alone, so the certificate is
 * only a carrier; KES's own client builds the same template.
 */

import { randomBytes, webcrypto } from 'node:crypto';
import type { KesApiKey } from './kes-api-key.js';

/** A client certificate and its private key, both PEM. */
export interface KesClientCertificate {
  /** The certificate, PEM. */
  cert: string;
  /** The unencrypted PKCS#8 private key, PEM. It is a secret. */
  key: string;
}

const VALIDITY_MS = 90 * 24 * 60 * 60 * 1000;

/**
 * Builds the client certificate for an API key: X.509 v3, self-signed with the Ed25519 key,
 * subject and issuer `CN=<identity>`, a random serial below 2^128, valid from now for 90 days,
 * KeyUsage digitalSignature (critical), ExtKeyUsage clientAuth and BasicConstraints CA:false
 * (critical). KES skips CA certificates when it looks for the client's identity, so CA must be
 * false.
 */
export async function createKesClientCertificate(
  apiKey: KesApiKey,
  options: { now?: Date } = {},
): Promise<KesClientCertificate> {
  // @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata
  // API before the module is evaluated. Loading both here keeps them out of the start-up path of
  // applications that use certificate files.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');

  const privateKey = apiKey.privateKey();
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const algorithm = { name: 'Ed25519' };
  const keys = {
    privateKey: await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, false, ['sign']),
    publicKey: await webcrypto.subtle.importKey('spki', apiKey.spki(), algorithm, true, ['verify']),
  } as CryptoKeyPair;
  pkcs8.fill(0);

  const notBefore = options.now ?? new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // A leading zero byte keeps the DER INTEGER positive; the library drops it when not needed.
      serialNumber: `00${randomBytes(16).toString('hex')}`,
      name: `CN=${apiKey.identity}`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + VALIDITY_MS),
      signingAlgorithm: algorithm,
      keys,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        new x509.BasicConstraintsExtension(false, undefined, true),
      ],
    },
    webcrypto as unknown as Crypto,
  );
  return {
    cert: certificate.toString('pem'),
    key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
