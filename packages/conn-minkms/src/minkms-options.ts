/** Options of the MinKMS connector and their validation. */

import { assertValidName } from '@kmskit/core';
import { MinkmsApiKey, parseMinkmsApiKey } from './minkms-api-key.js';
import { loadTrustedCertificates } from './minkms-ca.js';
import { normalizeEndpoint } from './minkms-wire.js';

/** Options of `createMinkmsConnector`. */
export interface MinkmsConnectorOptions {
  /**
   * MinKMS servers as `host:port` or `https://host:port`. A leading `http://` is removed too:
   * requests always use HTTPS, as MinIO's client does. Several endpoints share the load and
   * stand in for each other.
   */
  endpoints: string | readonly string[];
  /**
   * The enclave (key namespace) on the server. `''` addresses the command route without an
   * enclave (`/v1/kms`). Other names follow the key name rule: 1 to 80 characters of
   * `0-9 A-Z a-z _ -`, not starting or ending with `-`.
   */
  enclave: string;
  /** The API key (`k1:…` or `k2:…`, or a parsed one). The client certificate is derived from it. */
  apiKey: string | MinkmsApiKey;
  /** The key that `generateKey` and `mac` use when the caller names none. */
  defaultKeyId?: string;
  /** Extra CA certificates (PEM) that verify the server certificates, added to Node's default store. */
  ca?: string | readonly string[];
  /** A PEM file or a directory of PEM files with extra CA certificates, added to Node's default store. */
  caPath?: string;
  /**
   * Time limit of one request to one endpoint in milliseconds, once it is on a connection: for
   * the response headers, and for each pause while the body arrives. Connecting has its own
   * limit, the smaller of this and 10 s. When a limit passes, the call moves on to the next
   * endpoint. The `KMS` client's `timeoutMs` bounds the whole call, waiting for a free
   * connection included.
   * @default 10000
   */
  requestTimeoutMs?: number;
  /**
   * How long an endpoint that failed (connection error, timeout, TLS failure, HTTP 502/503/504)
   * is tried only after the others, in milliseconds.
   * @default 30000
   */
  cooldownMs?: number;
  /**
   * Largest response body accepted, in bytes.
   * @default 1048576
   */
  maxResponseBytes?: number;
  /**
   * Maximum open connections per endpoint; further requests wait for a free one. 0 means no
   * limit, which lets a burst of calls open a TLS connection each.
   * @default 128
   */
  maxConnections?: number;
}

/** Options after validation. */
export interface ResolvedMinkmsOptions {
  endpoints: string[];
  enclave: string;
  apiKey: MinkmsApiKey;
  defaultKeyId: string | undefined;
  trustedCertificates: string[];
  requestTimeoutMs: number;
  cooldownMs: number;
  maxResponseBytes: number;
  maxConnections: number;
}

const PREFIX = 'conn-minkms:';

/**
 * Validates the options.
 *
 * @throws {TypeError|RangeError} for a bad option, naming it.
 * @throws {InvalidKeyNameError} for an enclave name that breaks the name rule.
 */
export function resolveOptions(options: MinkmsConnectorOptions): ResolvedMinkmsOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `${PREFIX} options must be an object with \`endpoints\`, \`enclave\` and \`apiKey\``,
    );
  }

  const list = typeof options.endpoints === 'string' ? [options.endpoints] : options.endpoints;
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError(
      `${PREFIX} option \`endpoints\` must be a non-empty array of MinKMS addresses such as '127.0.0.1:7373'`,
    );
  }
  const endpoints = [...new Set(list.map((endpoint) => normalizeEndpoint(endpoint)))];

  if (typeof options.enclave !== 'string') {
    throw new TypeError(
      `${PREFIX} option \`enclave\` must be a string: the MinKMS enclave that contains the keys, or '' for none`,
    );
  }
  if (options.enclave !== '') assertValidName(options.enclave, 'enclave');

  const apiKey = resolveApiKey(options.apiKey);

  if (options.defaultKeyId !== undefined && options.defaultKeyId !== '') {
    assertValidName(options.defaultKeyId, 'key');
  }

  let ca: string[] = [];
  if (typeof options.ca === 'string') ca = [options.ca];
  else if (options.ca !== undefined) ca = [...options.ca];
  if (ca.some((pem) => typeof pem !== 'string' || !pem.includes('-----BEGIN CERTIFICATE-----'))) {
    throw new TypeError(
      `${PREFIX} option \`ca\` must be PEM certificates ('-----BEGIN CERTIFICATE-----')`,
    );
  }
  if (
    options.caPath !== undefined &&
    (typeof options.caPath !== 'string' || options.caPath === '')
  ) {
    throw new TypeError(`${PREFIX} option \`caPath\` must be the path of a PEM file or directory`);
  }

  return {
    endpoints,
    enclave: options.enclave,
    apiKey,
    defaultKeyId: options.defaultKeyId || undefined,
    trustedCertificates: loadTrustedCertificates(ca, options.caPath),
    requestTimeoutMs: positive(options.requestTimeoutMs, 'requestTimeoutMs', 10_000),
    cooldownMs: nonNegative(options.cooldownMs, 'cooldownMs', 30_000),
    maxResponseBytes: positive(options.maxResponseBytes, 'maxResponseBytes', 1024 * 1024),
    maxConnections: connectionCount(options.maxConnections),
  };
}

function resolveApiKey(apiKey: unknown): MinkmsApiKey {
  if (apiKey instanceof MinkmsApiKey) return apiKey;
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new TypeError(`${PREFIX} option \`apiKey\` must be a MinKMS API key ('k1:…' or 'k2:…')`);
  }
  try {
    return parseMinkmsApiKey(apiKey);
  } catch (cause) {
    throw new TypeError(`${PREFIX} option \`apiKey\`: ${(cause as Error).message}`);
  }
}

function connectionCount(value: number | undefined): number {
  if (value === undefined) return 128;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `${PREFIX} option \`maxConnections\` must be 0 (no limit) or a positive integer, got ${value}`,
    );
  }
  return value;
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${PREFIX} option \`${name}\` must be a positive number, got ${value}`);
  }
  return value;
}

function nonNegative(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(
      `${PREFIX} option \`${name}\` must be 0 or a positive number, got ${value}`,
    );
  }
  return value;
}
