/** Options of the KES connector and their validation, done once in the factory. */

import { isValidName, parseEndpointList } from '@kmskit/core';
import { type KesApiKey, parseKesApiKey } from './kes-api-key.js';
import { type KesEndpoint, parseEndpoint } from './kes-endpoint.js';
import { loadCertificateAuthorities, loadClientCertificate } from './kes-tls.js';

/** Options of `createKesConnector`. */
export interface KesConnectorOptions {
  /**
   * KES servers as https URLs, such as `https://kes1.example.net:7373`: an array, or one string
   * of comma-separated URLs that may use ellipsis patterns (`https://kes{1...3}.example.net:7373`).
   */
  endpoints: string | readonly string[];
  /** The key that `generateKey` and `mac` use when the caller names none. */
  defaultKeyId?: string;
  /**
   * A KES API key (`kes:v1:…`). The connector derives an Ed25519 client certificate from it.
   * Exclusive with `cert`/`certFile` and `key`/`keyFile`.
   */
  apiKey?: string;
  /** The client certificate, PEM. Exclusive with `certFile`. */
  cert?: string;
  /** A file holding the client certificate, PEM. */
  certFile?: string;
  /** The client's private key, PEM (PKCS#8, PKCS#1, SEC1; encrypted ones need `keyPassword`). */
  key?: string;
  /** A file holding the client's private key, PEM. */
  keyFile?: string;
  /** The password of an encrypted private key (PKCS#8 or legacy `Proc-Type: 4,ENCRYPTED`). */
  keyPassword?: string;
  /** CA certificates, PEM, that the server certificate must chain to. */
  ca?: string | readonly string[];
  /** A CA file, or a directory whose files hold CA certificates (PEM). */
  caPath?: string;
  /**
   * Also trust Node's bundled root CAs. @default true when neither `ca` nor `caPath` is set,
   * false otherwise
   */
  systemCa?: boolean;
  /** The name to verify in the server certificate, when it differs from the endpoint's host. */
  serverName?: string;
  /**
   * Skips verification of the server certificate. Insecure: anyone on the network path can
   * impersonate the KMS. Only for tests. @default false
   */
  insecureSkipVerify?: boolean;
  /** Time limit of each attempt against one endpoint, in milliseconds. @default 10000 */
  requestTimeoutMs?: number;
  /** Time limit of TCP connect plus TLS handshake, in milliseconds. @default 5000 */
  connectTimeoutMs?: number;
  /** How long an endpoint that failed is skipped, in milliseconds. @default 30000 */
  cooldownMs?: number;
  /**
   * How long an idle connection is kept open, in milliseconds, at most; a shorter `Keep-Alive`
   * timeout sent by the server wins. @default 4000
   */
  keepAliveTimeoutMs?: number;
  /**
   * Maximum open connections per endpoint; 0 means no limit. Calls beyond it wait for a free
   * connection: thousands of concurrent TLS handshakes are slower than queueing. @default 128
   */
  maxConnections?: number;
}

/** Client credentials: an API key, or a certificate and key read from PEM. */
export type KesCredentials =
  | { kind: 'api-key'; apiKey: KesApiKey; identity: string }
  | { kind: 'certificate'; cert: string; key: string; identity: string };

/** Options after validation. Holds the private key: keep it in private fields only. */
export interface ResolvedKesOptions {
  endpoints: KesEndpoint[];
  defaultKeyId: string | undefined;
  credentials: KesCredentials;
  ca: string[] | undefined;
  serverName: string | undefined;
  rejectUnauthorized: boolean;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  cooldownMs: number;
  keepAliveTimeoutMs: number;
  maxConnections: number;
}

const PREFIX = 'conn-kes:';

/**
 * Validates the options. Messages name the option and the fix, never a secret.
 *
 * @throws {TypeError} for a missing or malformed option, or files that cannot be read.
 * @throws {RangeError} for a time or count out of range.
 */
export function resolveKesOptions(options: KesConnectorOptions): ResolvedKesOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${PREFIX} options must be an object with \`endpoints\` and credentials`);
  }
  const endpoints = resolveEndpoints(options.endpoints);
  const defaultKeyId = optionalString(options.defaultKeyId, 'defaultKeyId');
  if (defaultKeyId !== undefined && !isValidName(defaultKeyId)) {
    throw new TypeError(
      `${PREFIX} option \`defaultKeyId\` ${JSON.stringify(defaultKeyId.slice(0, 100))} is not a valid KES key name: use 1 to 80 characters of 0-9, A-Z, a-z, '_' and '-', not starting or ending with '-'`,
    );
  }
  const credentials = resolveCredentials(options);
  const ca = loadCertificateAuthorities({
    ca: options.ca,
    caPath: optionalString(options.caPath, 'caPath'),
    systemCa: optionalBoolean(options.systemCa, 'systemCa'),
  });
  const serverName = optionalString(options.serverName, 'serverName');
  if (serverName === '') {
    throw new TypeError(`${PREFIX} option \`serverName\` must not be empty: leave it out instead`);
  }
  return {
    endpoints,
    defaultKeyId,
    credentials,
    ca,
    serverName,
    rejectUnauthorized: optionalBoolean(options.insecureSkipVerify, 'insecureSkipVerify') !== true,
    requestTimeoutMs: duration(options.requestTimeoutMs, 'requestTimeoutMs', 10_000),
    connectTimeoutMs: duration(options.connectTimeoutMs, 'connectTimeoutMs', 5_000),
    cooldownMs: duration(options.cooldownMs, 'cooldownMs', 30_000, 0),
    keepAliveTimeoutMs: duration(options.keepAliveTimeoutMs, 'keepAliveTimeoutMs', 4_000),
    maxConnections: count(options.maxConnections, 'maxConnections', 128),
  };
}

function resolveEndpoints(value: unknown): KesEndpoint[] {
  const hint = 'a non-empty array of https URLs or a comma-separated string of them';
  let list: unknown[];
  if (typeof value === 'string') {
    list = parseEndpointList(value, 'option `endpoints`');
  } else if (Array.isArray(value)) {
    list = value.flatMap((entry) =>
      typeof entry === 'string' ? parseEndpointList(entry, 'option `endpoints`') : [entry],
    );
  } else {
    throw new TypeError(`${PREFIX} option \`endpoints\` must be ${hint}`);
  }
  if (list.length === 0) throw new TypeError(`${PREFIX} option \`endpoints\` must be ${hint}`);

  const endpoints = list.map((entry) => parseEndpoint(entry));
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    if (seen.has(endpoint.url)) {
      throw new TypeError(
        `${PREFIX} option \`endpoints\` lists ${endpoint.url} twice: list each KES server once`,
      );
    }
    seen.add(endpoint.url);
  }
  return endpoints;
}

function resolveCredentials(options: KesConnectorOptions): KesCredentials {
  const apiKey = optionalString(options.apiKey, 'apiKey');
  const certificateOptions = ['cert', 'certFile', 'key', 'keyFile', 'keyPassword'] as const;
  const given = certificateOptions.filter((name) => options[name] !== undefined);

  if (apiKey !== undefined) {
    if (given.length > 0) {
      throw new TypeError(
        `${PREFIX} option \`apiKey\` excludes \`${given[0]}\`: authenticate with an API key or with a certificate and key, not both`,
      );
    }
    let parsed: KesApiKey;
    try {
      parsed = parseKesApiKey(apiKey);
    } catch (cause) {
      throw new TypeError(`${PREFIX} option \`apiKey\`: ${(cause as Error).message}`);
    }
    return { kind: 'api-key', apiKey: parsed, identity: parsed.identity };
  }
  if (given.length === 0) {
    throw new TypeError(
      `${PREFIX} no client credentials: set \`apiKey\`, or \`cert\`/\`certFile\` and \`key\`/\`keyFile\`; KES authenticates clients only by TLS client certificates`,
    );
  }
  return {
    kind: 'certificate',
    ...loadClientCertificate({
      cert: optionalString(options.cert, 'cert'),
      certFile: optionalString(options.certFile, 'certFile'),
      key: optionalString(options.key, 'key'),
      keyFile: optionalString(options.keyFile, 'keyFile'),
      keyPassword: optionalString(options.keyPassword, 'keyPassword'),
    }),
  };
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new TypeError(`${PREFIX} option \`${name}\` must be a string, got ${typeName(value)}`);
  }
  return value;
}

function optionalBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') {
    throw new TypeError(`${PREFIX} option \`${name}\` must be a boolean, got ${typeName(value)}`);
  }
  return value;
}

function duration(value: unknown, name: string, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum) {
    throw new RangeError(
      `${PREFIX} option \`${name}\` must be a number of milliseconds of at least ${minimum}, got ${String(value)}`,
    );
  }
  return value;
}

function count(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RangeError(
      `${PREFIX} option \`${name}\` must be a non-negative integer, got ${String(value)}`,
    );
  }
  return value;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
