/**
 * A test PKI made at run time: a CA, server certificates for 127.0.0.1 and client certificates,
 * all ECDSA P-256, built with @peculiar/x509 over Node's Web Crypto.
 */

import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key in PEM. */
export interface TestCertificate {
  /** The certificate, PEM. */
  cert: string;
  /** The PKCS#8 private key, PEM. */
  key: string;
  /** The subject common name. */
  commonName: string;
}

/** Validity and names of an issued certificate. */
export interface IssueOptions {
  /** DNS names for the subject alternative name. @default ['localhost'] for servers */
  dnsNames?: string[];
  /** IP addresses for the subject alternative name. @default ['127.0.0.1'] for servers */
  ipAddresses?: string[];
  /** Start of validity. @default one hour ago */
  notBefore?: Date;
  /** End of validity. @default 30 days from now */
  notAfter?: Date;
}

/** A CA that issues server and client certificates. */
export interface TestPki {
  /** The CA certificate and key. */
  ca: TestCertificate;
  /** Issues a TLS server certificate, by default for `localhost` and `127.0.0.1`. */
  issueServer(options?: IssueOptions & { commonName?: string }): Promise<TestCertificate>;
  /** Issues a TLS client certificate with the given common name. */
  issueClient(commonName: string, options?: IssueOptions): Promise<TestCertificate>;
}

/** Creates a new CA with a fresh key. */
export async function createTestPki(options: { commonName?: string } = {}): Promise<TestPki> {
  const commonName = options.commonName ?? 'kmskit test CA';
  const caKeys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${commonName}`,
    notBefore: new Date(Date.now() - 60 * 60 * 1000),
    notAfter: new Date(Date.now() + 365 * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const ca: TestCertificate = {
    cert: caCert.toString('pem'),
    key: await exportKey(caKeys.privateKey),
    commonName,
  };

  const issue = async (
    subject: string,
    usage: 'server' | 'client',
    issueOptions: IssueOptions,
  ): Promise<TestCertificate> => {
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const names: x509.JsonGeneralName[] = [
      ...(issueOptions.dnsNames ?? (usage === 'server' ? ['localhost'] : [])).map((value) => ({
        type: 'dns' as const,
        value,
      })),
      ...(issueOptions.ipAddresses ?? (usage === 'server' ? ['127.0.0.1'] : [])).map((value) => ({
        type: 'ip' as const,
        value,
      })),
    ];
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ];
    if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: `CN=${subject}`,
      issuer: caCert.subject,
      notBefore: issueOptions.notBefore ?? new Date(Date.now() - 60 * 60 * 1000),
      notAfter: issueOptions.notAfter ?? new Date(Date.now() + 30 * DAY_MS),
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      extensions,
    });
    return {
      cert: cert.toString('pem'),
      key: await exportKey(keys.privateKey),
      commonName: subject,
    };
  };

  return {
    ca,
    issueServer: (issueOptions = {}) =>
      issue(issueOptions.commonName ?? 'localhost', 'server', issueOptions),
    issueClient: (name, issueOptions = {}) => issue(name, 'client', issueOptions),
  };
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}
