/**
 * MinKMS options from MinIO's environment variables:
 *
 * | variable | meaning |
 * | --- | --- |
 * | `MINIO_KMS_SERVER` | endpoints, comma-separated, with `{1...3}` ranges |
 * | `MINIO_KMS_ENCLAVE` | the enclave; must be set, may be empty |
 * | `MINIO_KMS_API_KEY` (or `MINIO_KMS_API_KEY_FILE`) | the API key |
 * | `MINIO_KMS_SSE_KEY` | the default key; must be set, may be empty |
 * | `KMSKIT_MINKMS_CAPATH` | kmskit only: a PEM file or directory of extra CA certificates |
 *
 * MinIO has no CA variable for MinKMS: it trusts the system CAs plus its own CA directory
 * (`~/.minio/certs/CAs`). kmskit trusts Node's default CA store plus `KMSKIT_MINKMS_CAPATH`.
 */

import {
  type Env,
  isValidName,
  KmsConfigurationError,
  parseEndpointList,
  readEnvSecret,
  requireEnv,
} from '@kmskit/core';
import { parseMinkmsApiKey } from './minkms-api-key.js';
import type { MinkmsConnectorOptions } from './minkms-options.js';
import { normalizeEndpoint } from './minkms-wire.js';

/** The kmskit variable with extra CA certificates for the MinKMS server certificates. */
export const MINKMS_CAPATH_VARIABLE = 'KMSKIT_MINKMS_CAPATH';

/**
 * Reads the connector options from MinIO's MinKMS variables and `KMSKIT_MINKMS_CAPATH`.
 *
 * @throws {KmsConfigurationError} naming the variable that is missing or invalid. Messages
 *   never contain the API key.
 */
export function minkmsOptionsFromEnv(env: Env): MinkmsConnectorOptions {
  const server = requireEnv(
    env,
    'MINIO_KMS_SERVER',
    "set it to the MinKMS endpoints, such as 'kms1:7373,kms2:7373'",
  );
  const endpoints = parseEndpointList(server, 'MINIO_KMS_SERVER');
  if (endpoints.length === 0) {
    throw new KmsConfigurationError(
      "MINIO_KMS_SERVER names no endpoint: set it to the MinKMS endpoints, such as 'kms1:7373,kms2:7373'",
      ['MINIO_KMS_SERVER'],
    );
  }
  for (const endpoint of endpoints) {
    try {
      normalizeEndpoint(endpoint);
    } catch (cause) {
      throw new KmsConfigurationError(`MINIO_KMS_SERVER: ${(cause as Error).message}`, [
        'MINIO_KMS_SERVER',
      ]);
    }
  }

  const enclave = requireEnv(
    env,
    'MINIO_KMS_ENCLAVE',
    "set it to the MinKMS enclave, or to '' for none",
  );
  checkName(enclave, 'MINIO_KMS_ENCLAVE', 'enclave');

  const apiKeyText = readEnvSecret(env, 'MINIO_KMS_API_KEY');
  if (apiKeyText === undefined) {
    throw new KmsConfigurationError(
      "missing environment variable MINIO_KMS_API_KEY: set it (or MINIO_KMS_API_KEY_FILE) to a MinKMS API key 'k1:…'",
      ['MINIO_KMS_API_KEY'],
    );
  }
  let apiKey: MinkmsConnectorOptions['apiKey'];
  try {
    apiKey = parseMinkmsApiKey(apiKeyText.trim());
  } catch (cause) {
    throw new KmsConfigurationError(`MINIO_KMS_API_KEY: ${(cause as Error).message}`, [
      'MINIO_KMS_API_KEY',
    ]);
  }

  const defaultKeyId = requireEnv(
    env,
    'MINIO_KMS_SSE_KEY',
    "set it to the default key name, or to '' for none",
  );
  checkName(defaultKeyId, 'MINIO_KMS_SSE_KEY', 'key');

  const options: MinkmsConnectorOptions = { endpoints, enclave, apiKey };
  if (defaultKeyId !== '') options.defaultKeyId = defaultKeyId;
  const caPath = env[MINKMS_CAPATH_VARIABLE];
  if (caPath !== undefined && caPath !== '') options.caPath = caPath;
  return options;
}

function checkName(value: string, variable: string, kind: 'key' | 'enclave'): void {
  if (value === '' || isValidName(value)) return;
  throw new KmsConfigurationError(
    `${variable} ${JSON.stringify(value.slice(0, 100))} is not a valid ${kind} name: use 1 to 80 characters of 0-9, A-Z, a-z, '_' and '-', not starting or ending with '-'`,
    [variable],
  );
}
