/** Loading TLS material: the client certificate and key, and the CAs that verify the server. */

import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { kesIdentity } from './kes-api-key.js';

const PREFIX = 'conn-kes:';
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * Reads and checks a client certificate and its private key. An encrypted key is decrypted with
 * `keyPassword` and kept as unencrypted PKCS#8 in memory.
 *
 * @throws {TypeError} naming the option when a file cannot be read, the PEM is malformed, the
 *   password is missing or wrong, or the key does not belong to the certificate.
 */
export function loadClientCertificate(options: {
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  keyPassword?: string;
}): { cert: string; key: string; identity: string } {
  const certText = oneOf(options.cert, options.certFile, 'cert', 'certFile');
  const keyText = oneOf(options.key, options.keyFile, 'key', 'keyFile');

  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certText.value);
  } catch (cause) {
    throw new TypeError(
      `${PREFIX} option \`${certText.option}\` does not hold a PEM certificate: ${(cause as Error).message}`,
    );
  }
  if (certificate.ca) {
    throw new TypeError(
      `${PREFIX} option \`${certText.option}\` is a CA certificate (CA:TRUE): KES cannot identify a client by it; issue a client certificate with CA:FALSE`,
    );
  }

  const privateKey = readPrivateKey(keyText.value, keyText.option, options.keyPassword);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TypeError(
      `${PREFIX} the private key of option \`${keyText.option}\` does not belong to the certificate of option \`${certText.option}\`: pass the matching pair`,
    );
  }
  // Keep intermediate certificates that follow the leaf: a server that verifies the chain needs them.
  const chain = certText.value.match(CERTIFICATE_BLOCK) ?? [certificate.toString()];
  return {
    cert: `${chain.join('\n')}\n`,
    key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    identity: kesIdentity(certificate),
  };
}

/**
 * Returns the CA certificates to trust, or `undefined` for Node's default roots.
 *
 * @throws {TypeError} when `caPath` cannot be read or contains no certificate.
 */
export function loadCertificateAuthorities(options: {
  ca?: string | readonly string[] | undefined;
  caPath?: string | undefined;
  systemCa?: boolean | undefined;
}): string[] | undefined {
  const certificates: string[] = [];
  if (options.ca !== undefined) {
    const list = typeof options.ca === 'string' ? [options.ca] : options.ca;
    if (!Array.isArray(list) || list.some((entry) => typeof entry !== 'string')) {
      throw new TypeError(`${PREFIX} option \`ca\` must be a PEM string or an array of them`);
    }
    for (const entry of list) certificates.push(...certificateBlocks(entry, 'ca'));
  }
  if (options.caPath !== undefined) certificates.push(...readCaPath(options.caPath));

  const custom = options.ca !== undefined || options.caPath !== undefined;
  const system = options.systemCa ?? !custom;
  if (!custom) return system ? undefined : [];
  return system ? [...rootCertificates, ...certificates] : certificates;
}

function readCaPath(path: string): string[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory()
      ? readdirSync(path, { withFileTypes: true })
          .filter((entry) => entry.isFile() || entry.isSymbolicLink())
          .map((entry) => join(path, entry.name))
          .sort()
      : [path];
  } catch (cause) {
    throw new TypeError(
      `${PREFIX} option \`caPath\` ${JSON.stringify(path)} cannot be read: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}; check the path and its permissions`,
    );
  }
  const certificates: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // A directory may hold unreadable or unrelated entries, as a system CA dir does.
    }
    certificates.push(...(text.match(CERTIFICATE_BLOCK) ?? []));
  }
  if (certificates.length === 0) {
    throw new TypeError(
      `${PREFIX} option \`caPath\` ${JSON.stringify(path)} contains no PEM certificate: point it at a CA file or a directory of them`,
    );
  }
  return certificates;
}

function certificateBlocks(text: string, option: string): string[] {
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) {
    throw new TypeError(`${PREFIX} option \`${option}\` contains no PEM certificate`);
  }
  return blocks;
}

function readPrivateKey(text: string, option: string, password: string | undefined): KeyObject {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length !== 1 || text.replace(PEM_BLOCK, '').trim() !== '') {
    throw new TypeError(
      `${PREFIX} option \`${option}\` must hold exactly one PEM private key and nothing else, found ${blocks.length} PEM blocks${blocks.length === 1 ? ' and trailing data' : ''}`,
    );
  }
  const encrypted = /ENCRYPTED/.test(blocks[0]!);
  if (encrypted && password === undefined) {
    throw new TypeError(
      `${PREFIX} the private key of option \`${option}\` is encrypted: set \`keyPassword\``,
    );
  }
  try {
    return createPrivateKey(
      encrypted ? { key: blocks[0]!, format: 'pem', passphrase: password } : blocks[0]!,
    );
  } catch {
    // The cause may quote key material or the password: leave it out.
    throw new TypeError(
      encrypted
        ? `${PREFIX} option \`keyPassword\` does not decrypt the private key of option \`${option}\`: check the password`
        : `${PREFIX} option \`${option}\` does not hold a readable PEM private key`,
    );
  }
}

function oneOf(
  text: string | undefined,
  file: string | undefined,
  textOption: string,
  fileOption: string,
): { value: string; option: string } {
  if (text !== undefined && file !== undefined) {
    throw new TypeError(`${PREFIX} set \`${textOption}\` or \`${fileOption}\`, not both`);
  }
  if (text !== undefined) return { value: text, option: textOption };
  if (file === undefined) {
    throw new TypeError(
      `${PREFIX} missing \`${textOption}\` or \`${fileOption}\`: a client certificate needs both the certificate and its private key`,
    );
  }
  try {
    return { value: readFileSync(file, 'utf8'), option: fileOption };
  } catch (cause) {
    throw new TypeError(
      `${PREFIX} option \`${fileOption}\` ${JSON.stringify(file)} cannot be read: ${(cause as NodeJS.ErrnoException).code ?? 'read failed'}; check the path and its permissions`,
    );
  }
}
