/**
 * Errors of connectors configured from environment variables, reworded for a command-line user:
 * the connectors name their options (`caPath`), but the user set a variable
 * (`MINIO_KMS_KES_CAPATH`).
 */

import { KmsConfigurationError, KmsTlsError } from '@kmskit/core';

/** The KES options whose files the connector reads, by the variable that sets each. */
const KES_OPTION_VARIABLES: Readonly<Record<string, string>> = {
  certFile: 'MINIO_KMS_KES_CERT_FILE',
  keyFile: 'MINIO_KMS_KES_KEY_FILE',
  keyPassword: 'MINIO_KMS_KES_KEY_PASSWORD',
  caPath: 'MINIO_KMS_KES_CAPATH',
};

/** The variable with the CA file of each connector type, for TLS trust errors. */
const CA_VARIABLES: Readonly<Record<string, string>> = {
  kes: 'MINIO_KMS_KES_CAPATH',
  minkms: 'KMSKIT_MINKMS_CAPATH',
};

const MINKMS_CA_VARIABLE = 'KMSKIT_MINKMS_CAPATH';

/**
 * Rewrites an option error that a KES or MinKMS connector raised for files named by environment
 * variables (certificate, key, CA) as a `KmsConfigurationError` that names the variables. Other
 * errors pass unchanged.
 */
export function nameEnvironmentVariables(error: unknown): unknown {
  if (!(error instanceof TypeError) || error instanceof KmsConfigurationError) return error;

  if (error.message.startsWith('conn-kes: ')) {
    const variables = new Set<string>();
    const text = error.message
      .slice('conn-kes: '.length)
      .replace(/(?:option )?`(\w+)`/g, (match, option: string) => {
        const variable = KES_OPTION_VARIABLES[option];
        if (variable === undefined) return match;
        variables.add(variable);
        return variable;
      });
    return variables.size > 0 ? new KmsConfigurationError(text, [...variables]) : error;
  }
  if (/\bMinKMS CA (?:path|file)\b/.test(error.message)) {
    return new KmsConfigurationError(`${MINKMS_CA_VARIABLE}: ${error.message}`, [
      MINKMS_CA_VARIABLE,
    ]);
  }
  return error;
}

/**
 * Returns a hint for a TLS error whose message asks a library user to set the `ca` or `caPath`
 * option: the variable that sets the CA file for the connector type, or `undefined`.
 */
export function tlsTrustHint(
  error: unknown,
  connectorType: string | undefined,
): string | undefined {
  const variable = connectorType === undefined ? undefined : CA_VARIABLES[connectorType];
  if (variable === undefined || !KmsTlsError.isInstance(error)) return undefined;
  if (!error.message.includes('`caPath`')) return undefined;
  return `for kmskit, set ${variable} to the CA certificate file (PEM) of the server`;
}
