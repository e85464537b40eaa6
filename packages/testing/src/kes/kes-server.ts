/**
 * `startKesServer`: an in-process KES server over HTTPS on 127.0.0.1 with real mutual TLS, for
 * tests and local development. Several listeners share one key store, like a KES cluster behind
 * several endpoints; each can be stopped, restarted or turned into a black hole, and faults can
 * be injected per listener and path.
 */

import { X509Certificate } from 'node:crypto';
import { createTestPki, type TestCertificate, type TestPki } from '../certs.js';
import { createKesApiKey } from './kes-credentials.js';
import { type KesFault, type KesFaultHandle, type KesFaultScope, KesFaults } from './kes-faults.js';
import {
  createKesHandler,
  KesConnectionIds,
  KesRequestLog,
  type KesRequestRecord,
} from './kes-handler.js';
import { KesKeyStore } from './kes-keystore.js';
import { KesListener, type KesListenerState } from './kes-listener.js';
import { certificateIdentity, KesPolicies, type KesPolicy } from './kes-policy.js';
import type { KesServerState, KesServerVersion } from './kes-routes.js';

/** Options of `startKesServer`. */
export interface KesServerOptions {
  /** The KES generation to imitate: `v0.22` (v0.22.3 as observed) or `latest`. @default 'latest' */
  version?: KesServerVersion;
  /** How many HTTPS listeners share the key store. @default 1 */
  listeners?: number;
  /** Ports of the listeners; 0 or a missing entry picks a free port. */
  ports?: number[];
  /**
   * Client certificate checking during the TLS handshake. `on` verifies the chain against the
   * test CA, so the self-signed certificates of API keys are rejected; `off` accepts any
   * certificate, and the identity and policies decide afterwards. @default 'on' for v0.22, 'off'
   * for latest, as KES does
   */
  auth?: 'on' | 'off';
  /** Policies by name, with the identities assigned to them. */
  policies?: Record<string, KesPolicy>;
  /** Keys to create at start: name → 32 bytes of key material. */
  keys?: Record<string, Uint8Array>;
  /** The PKI that issues the server and client certificates. @default a new `createTestPki()` */
  pki?: TestPki;
  /** Idle time after which the server closes a kept-alive connection, in ms. @default 5000 */
  keepAliveTimeoutMs?: number;
  /** The highest TLS version the server accepts. @default 'TLSv1.3' */
  maxTlsVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** The version string of `/version`. @default 'v0.22.3' or '2025-03-12T09-35-18Z' */
  versionString?: string;
}

/** Client credentials: a certificate, its key and the KES identity of its public key. */
export interface KesClientCredentials {
  /** The client certificate, PEM. */
  cert: string;
  /** The unencrypted PKCS#8 private key, PEM. */
  key: string;
  /** Hex SHA-256 of the certificate's SubjectPublicKeyInfo. */
  identity: string;
}

/** A running KES test server. */
export interface KesTestServer {
  /** The generation it imitates. */
  readonly version: KesServerVersion;
  /** `https://127.0.0.1:<port>` per listener. */
  readonly endpoints: string[];
  /** The CA certificate (PEM) that issued the server and admin certificates. */
  readonly ca: string;
  /** The PKI, to issue more certificates. */
  readonly pki: TestPki;
  /** Certificate credentials of the admin identity, which may call every API. */
  readonly admin: KesClientCredentials;
  /** A KES API key (`kes:v1:…`) whose identity may call every API. Needs `auth: 'off'` on v0.22. */
  readonly apiKey: string;
  /** The identity of `apiKey`. */
  readonly apiKeyIdentity: string;
  /** Every request the listeners received, oldest first (the last 10 000 at most). */
  readonly requests: readonly KesRequestRecord[];
  /** Issues a client certificate from the test CA and assigns its identity to `policy`, if given. */
  issueClient(name: string, options?: { policy?: string }): Promise<KesClientCredentials>;
  /** Creates an API key and assigns its identity to `policy`, if given. */
  createApiKey(options?: { policy?: string }): { apiKey: string; identity: string };
  /** Adds or replaces a policy. */
  setPolicy(name: string, policy: KesPolicy): void;
  /** Assigns an identity to a policy. */
  assignPolicy(identity: string, policy: string): void;
  /** The names of the stored keys. */
  keyNames(): string[];
  /** Injects a fault; see `KesFault`. */
  inject(fault: KesFault, scope?: KesFaultScope): KesFaultHandle;
  /** Removes every injected fault. */
  clearFaults(): void;
  /** Empties the request log. */
  clearRequests(): void;
  /** The state of listener `index`. */
  listenerState(index: number): KesListenerState;
  /** Open TCP connections of one listener, or of all. */
  connections(index?: number): number;
  /** Reports whether the TLS connection with this id (see `KesRequestRecord.connection`) is open. */
  connectionOpen(id: number): boolean;
  /** Stops listener `index`: its connections drop and new ones are refused. */
  stop(index: number): Promise<void>;
  /** Starts listener `index` again on the same port. */
  start(index: number): Promise<void>;
  /** Makes listener `index` accept connections and never respond; `start` ends it. */
  blackHole(index: number): Promise<void>;
  /** Stops every listener. */
  close(): Promise<void>;
}

const ALL_ACCESS_POLICY = 'kmskit-all-access';

/**
 * Starts a KES test server.
 *
 * @example
 * const kes = await startKesServer({ listeners: 3 });
 * const connector = createKesConnector({ endpoints: kes.endpoints, ca: kes.ca, ...kes.admin });
 * await kes.close();
 */
export async function startKesServer(options: KesServerOptions = {}): Promise<KesTestServer> {
  const version = options.version ?? 'latest';
  if (version !== 'v0.22' && version !== 'latest') {
    throw new TypeError(
      `startKesServer: option \`version\` must be 'v0.22' or 'latest', got ${String(version)}`,
    );
  }
  const count = options.listeners ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > 16) {
    throw new RangeError(
      `startKesServer: option \`listeners\` must be an integer from 1 to 16, got ${count}`,
    );
  }
  const auth = options.auth ?? (version === 'v0.22' ? 'on' : 'off');

  const pki = options.pki ?? (await createTestPki());
  const serverCertificate = await pki.issueServer();
  const adminCertificate = await pki.issueClient('kes-admin');
  const admin = credentialsOf(adminCertificate);
  const apiKey = createKesApiKey();

  const policies = new KesPolicies(admin.identity, options.policies);
  policies.set(ALL_ACCESS_POLICY, {
    allow: ['/*', '/v1/*', '/v1/*/*', '/v1/key/*/*'],
    identities: [apiKey.identity],
  });
  const store = new KesKeyStore();
  for (const [name, key] of Object.entries(options.keys ?? {}))
    store.create(name, Buffer.from(key), admin.identity);

  const state: KesServerState = {
    version,
    versionString:
      options.versionString ?? (version === 'v0.22' ? 'v0.22.3' : '2025-03-12T09-35-18Z'),
    store,
    policies,
    startedAt: Date.now(),
    requestCount: 0,
  };
  const faults = new KesFaults();
  const log = new KesRequestLog();
  const connectionIds = new KesConnectionIds();
  const tlsOptions = {
    cert: serverCertificate.cert,
    key: serverCertificate.key,
    ca: [pki.ca.cert],
    requestCert: true,
    rejectUnauthorized: auth === 'on',
    minVersion: 'TLSv1.2' as const,
    maxVersion: options.maxTlsVersion ?? ('TLSv1.3' as const),
  };
  const listeners: KesListener[] = [];
  for (let index = 0; index < count; index++) {
    const listener = new KesListener(
      tlsOptions,
      createKesHandler(state, faults, log, connectionIds, index),
      options.keepAliveTimeoutMs ?? 5_000,
    );
    listeners.push(listener);
  }
  try {
    for (const [index, listener] of listeners.entries())
      await listener.start(options.ports?.[index] ?? 0);
  } catch (error) {
    await Promise.all(listeners.map((listener) => listener.stop()));
    throw error;
  }

  const listenerAt = (index: number): KesListener => {
    const listener = listeners[index];
    if (!listener)
      throw new RangeError(
        `KES test server: no listener ${index}; valid indexes are 0 to ${count - 1}`,
      );
    return listener;
  };

  return {
    version,
    endpoints: listeners.map((listener) => listener.url),
    ca: pki.ca.cert,
    pki,
    admin,
    apiKey: apiKey.apiKey,
    apiKeyIdentity: apiKey.identity,
    get requests() {
      return log.records;
    },
    async issueClient(name, issueOptions = {}) {
      const credentials = credentialsOf(await pki.issueClient(name));
      if (issueOptions.policy) policies.assign(credentials.identity, issueOptions.policy);
      return credentials;
    },
    createApiKey(keyOptions = {}) {
      const created = createKesApiKey();
      if (keyOptions.policy) policies.assign(created.identity, keyOptions.policy);
      return created;
    },
    setPolicy: (name, policy) => policies.set(name, policy),
    assignPolicy: (identity, policy) => policies.assign(identity, policy),
    keyNames: () => store.names(),
    inject: (fault, scope) => faults.inject(fault, scope),
    clearFaults: () => faults.clear(),
    clearRequests: () => log.clear(),
    listenerState: (index) => listenerAt(index).state,
    connections: (index) =>
      index === undefined
        ? listeners.reduce((sum, listener) => sum + listener.connections, 0)
        : listenerAt(index).connections,
    connectionOpen: (id) => connectionIds.isOpen(id),
    stop: (index) => listenerAt(index).stop(),
    start: (index) => listenerAt(index).start(),
    blackHole: (index) => listenerAt(index).blackHole(),
    async close() {
      faults.clear();
      await Promise.all(listeners.map((listener) => listener.stop()));
    },
  };
}

function credentialsOf(certificate: TestCertificate): KesClientCredentials {
  return {
    cert: certificate.cert,
    key: certificate.key,
    identity: certificateIdentity(new X509Certificate(certificate.cert)),
  };
}
