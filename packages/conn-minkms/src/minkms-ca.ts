/** The CA certificates that verify MinKMS server certificates. */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Returns the trusted CA certificates: Node's default CA store (the bundled Mozilla store plus
 * `NODE_EXTRA_CA_CERTS`, and the system store where Node can read it) followed by the extra
 * certificates from `ca` and `caPath`.
 *
 * @param caPath a PEM file, or a directory whose files are read as PEM; files without a
 *   certificate in a directory are skipped.
 * @throws {TypeError} when `caPath` cannot be read or contains no certificate.
 */
export function loadTrustedCertificates(
  ca: readonly string[],
  caPath: string | undefined,
): string[] {
  const extra = [...ca];
  if (caPath !== undefined) extra.push(...readCaPath(caPath));
  return [...defaultCertificates(), ...extra];
}

function defaultCertificates(): readonly string[] {
  const getter = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  return typeof getter === 'function' ? getter('default') : tls.rootCertificates;
}

function readCaPath(caPath: string): string[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(caPath).isDirectory();
  } catch (cause) {
    throw new TypeError(
      `cannot read the MinKMS CA path ${JSON.stringify(caPath)}: ${(cause as NodeJS.ErrnoException).code ?? 'stat failed'}; set it to a PEM file or a directory of PEM files`,
    );
  }

  const files = isDirectory
    ? readdirSync(caPath, { withFileTypes: true })
        .filter((entry) => entry.isFile() || entry.isSymbolicLink())
        .map((entry) => join(caPath, entry.name))
        .sort()
    : [caPath];
  const certificates: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      if (isDirectory) continue;
      throw new TypeError(
        `cannot read the MinKMS CA file ${JSON.stringify(file)}: ${(cause as NodeJS.ErrnoException).code ?? 'read failed'}`,
      );
    }
    certificates.push(...(text.match(PEM_CERTIFICATE) ?? []));
  }
  if (certificates.length === 0) {
    throw new TypeError(
      `the MinKMS CA path ${JSON.stringify(caPath)} contains no PEM certificate: point it at the CA that signed the server certificate`,
    );
  }
  return certificates;
}
