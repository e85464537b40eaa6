/**
 * Options from MinIO's `MINIO_KMS_KES_*` variables, by MinIO's rules: the endpoint and the key
 * name are required; an API key excludes the certificate, key and password variables; otherwise
 * both the certificate and the key file are required.
 */

import {
  type Env,
  isValidName,
  KmsConfigurationError,
  parseEndpointList,
  readEnvSecret,
} from '@kmskit/core';
import { parseKesApiKey } from './kes-api-key.js';
import { parseEndpoint } from './kes-endpoint.js';
import type { KesConnectorOptions } from './kes-options.js';

const ENDPOINT = 'MINIO_KMS_KES_ENDPOINT';
const KEY_NAME = 'MINIO_KMS_KES_KEY_NAME';
const API_KEY = 'MINIO_KMS_KES_API_KEY';
const CERT_FILE = 'MINIO_KMS_KES_CERT_FILE';
const KEY_FILE = 'MINIO_KMS_KES_KEY_FILE';
const KEY_PASSWORD = 'MINIO_KMS_KES_KEY_PASSWORD';
const CA_PATH = 'MINIO_KMS_KES_CAPATH';

/**
 * Reads KES connector options from the environment. `MINIO_KMS_KES_API_KEY` and
 * `MINIO_KMS_KES_KEY_PASSWORD` may also come from a file named by the same variable with a
 * `_FILE` suffix. The endpoints, the key name and the API key are checked here as the factory
 * checks them, so that their errors name the variable rather than the option.
 *
 * NOTE: the files named by the certificate, key and CA variables are read by the factory, whose
 * errors name the options `certFile`, `keyFile`, `keyPassword` and `caPath` and quote the path.
 *
 * @throws {KmsConfigurationError} naming the variables when a rule is broken or a value is
 *   malformed. Messages never contain the API key.
 */
export function kesOptionsFromEnv(env: Env): KesConnectorOptions {
  const endpointText = env[ENDPOINT];
  if (endpointText === undefined) {
    throw new KmsConfigurationError(
      `missing ${ENDPOINT}: set it to the KES server URLs, such as https://kes.example.net:7373`,
      [ENDPOINT],
    );
  }
  const endpoints = parseEndpointList(endpointText, ENDPOINT);
  if (endpoints.length === 0) {
    throw new KmsConfigurationError(
      `${ENDPOINT} is empty: set it to the KES server URLs, comma separated`,
      [ENDPOINT],
    );
  }
  checkEndpoints(endpoints);
  const keyName = env[KEY_NAME];
  if (keyName === undefined || keyName.trim() === '') {
    throw new KmsConfigurationError(
      `missing ${KEY_NAME}: set it to the name of the default KES key`,
      [KEY_NAME],
    );
  }
  if (!isValidName(keyName.trim())) {
    throw new KmsConfigurationError(
      `${KEY_NAME} ${JSON.stringify(keyName.trim().slice(0, 100))} is not a valid KES key name: use 1 to 80 characters of 0-9, A-Z, a-z, '_' and '-', not starting or ending with '-'`,
      [KEY_NAME],
    );
  }

  const apiKey = readEnvSecret(env, API_KEY);
  const password = readEnvSecret(env, KEY_PASSWORD);
  const certFile = env[CERT_FILE];
  const keyFile = env[KEY_FILE];
  const options: KesConnectorOptions = { endpoints, defaultKeyId: keyName.trim() };

  if (certFile !== undefined || keyFile !== undefined || password !== undefined) {
    if (apiKey !== undefined) {
      let other = KEY_PASSWORD;
      if (keyFile !== undefined) other = KEY_FILE;
      if (certFile !== undefined) other = CERT_FILE;
      throw new KmsConfigurationError(
        `${API_KEY} and ${other} are both set: authenticate with an API key or with a certificate and key file, not both`,
        [API_KEY, other],
      );
    }
    if (certFile === undefined || keyFile === undefined) {
      const missing = certFile === undefined ? CERT_FILE : KEY_FILE;
      throw new KmsConfigurationError(
        `missing ${missing}: a KES client certificate needs both ${CERT_FILE} and ${KEY_FILE}`,
        [missing],
      );
    }
    options.certFile = certFile;
    options.keyFile = keyFile;
    if (password !== undefined) options.keyPassword = password;
  } else if (apiKey !== undefined) {
    try {
      parseKesApiKey(apiKey);
    } catch (cause) {
      throw new KmsConfigurationError(`${API_KEY}: ${(cause as Error).message}`, [API_KEY]);
    }
    options.apiKey = apiKey;
  } else {
    throw new KmsConfigurationError(
      `missing authentication method for KES: set ${API_KEY}, or ${CERT_FILE} and ${KEY_FILE}`,
      [API_KEY, CERT_FILE, KEY_FILE],
    );
  }

  const caPath = env[CA_PATH];
  if (caPath !== undefined && caPath !== '') options.caPath = caPath;
  return options;
}

/** Checks each endpoint as the factory does: an https URL without credentials, listed once. */
function checkEndpoints(endpoints: readonly string[]): void {
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    let url: string;
    try {
      url = parseEndpoint(endpoint).url;
    } catch (cause) {
      const reason = (cause as Error).message.replace(/^conn-kes: /, '');
      throw new KmsConfigurationError(`${ENDPOINT}: ${reason}`, [ENDPOINT]);
    }
    if (seen.has(url)) {
      throw new KmsConfigurationError(`${ENDPOINT} lists ${url} twice: list each KES server once`, [
        ENDPOINT,
      ]);
    }
    seen.add(url);
  }
}
