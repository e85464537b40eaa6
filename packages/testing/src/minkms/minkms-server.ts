/**
 * An in-process MinKMS server for tests and local development: HTTPS on 127.0.0.1 with mutual
 * TLS, the MinKMS command API (`POST /v1/kms/<enclave>`, `GET /version`), enclaves, key
 * versions, identities with allowed commands, several listeners over one key store, and fault
 * injection.
 *
 * Clients authenticate with the certificate derived from a MinKMS API key, which is
 * self-signed. So the server accepts any client certificate during the TLS handshake and
 * authorizes by identity (`h1:` hash of the certificate's public key): an unknown identity, or
 * a command or enclave outside its policy, gets 403 `access denied: insufficient permissions`.
 */

import type { ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { createTestPki, type TestPki } from '../certs.js';
import type { MinkmsPolicy } from './minkms-commands.js';
import {
  type MinkmsFault,
  type MinkmsFaultHandle,
  type MinkmsFaultOptions,
  MinkmsFaultSet,
} from './minkms-faults.js';
import { MINKMS_SERVER_COMMANDS, type MinkmsServerCommand } from './minkms-frames.js';
import {
  handleMinkmsRequest,
  type MinkmsErrorFormat,
  type MinkmsRecordedRequest,
} from './minkms-handler.js';
import { createMinkmsApiKey, identityOfApiKey } from './minkms-identity.js';
import { MinkmsKeyStore } from './minkms-store.js';

/** Options of `startMinkmsServer`. */
export interface MinkmsServerOptions {
  /** Number of listeners (endpoints) sharing the key store. @default 1 */
  listeners?: number;
  /** Ports of the listeners; 0 or a missing entry picks a free port. */
  ports?: readonly number[];
  /** The enclave the admin API key uses; `POST /v1/kms` without an enclave addresses it too. @default 'kmskit' */
  enclave?: string;
  /** More enclaves to create. */
  enclaves?: readonly string[];
  /** Keys to create in `enclave` at start, each with version 1. */
  keys?: readonly string[];
  /** The admin API key (`k1:`), allowed every command in every enclave. @default a random key */
  apiKey?: string;
  /** The PKI that issues the server certificate. @default a new one */
  pki?: TestPki;
  /** The format of error bodies. MinKMS uses protobuf. @default 'protobuf' */
  errorFormat?: MinkmsErrorFormat;
  /** Largest KEY:LIST page. @default 1000 */
  listLimit?: number;
  /** Largest request body in bytes; larger ones get 413. @default 1048576 */
  maxRequestBytes?: number;
  /** The version `/version` reports. @default '2024-05-01T00-00-00Z' */
  version?: string;
  /** Receives unexpected errors of the request handler; the client gets a 500 for each. */
  onError?: (error: unknown) => void;
}

/** The commands and enclaves an identity may use. */
export interface MinkmsIdentityPolicy {
  /** Commands it may run, such as `['KEY:GENERATE', 'KEY:DECRYPT']`. @default 'all' */
  commands?: readonly MinkmsServerCommand[] | 'all';
  /** Enclaves it may use. @default 'all' */
  enclaves?: readonly string[] | 'all';
}

/** A running MinKMS test server. */
export interface MinkmsTestServer {
  /** One `https://127.0.0.1:<port>` URL per listener; ports stay the same across `stop`/`start`. */
  readonly endpoints: readonly string[];
  /** The admin API key (`k1:`), allowed every command in every enclave. */
  readonly apiKey: string;
  /** The `h1:` identity of `apiKey`. */
  readonly identity: string;
  /** The CA certificate (PEM) that issued the server certificate. */
  readonly ca: string;
  /** The default enclave. */
  readonly enclave: string;
  /** The PKI of the server certificate, to issue more certificates. */
  readonly pki: TestPki;
  /** The shared key store, for direct inspection. */
  readonly store: MinkmsKeyStore;
  /** Requests received (the latest 10 000), oldest first. */
  readonly requests: readonly MinkmsRecordedRequest[];
  /** Forgets the recorded requests. */
  clearRequests(): void;
  /** Creates a key with version 1 (random, or `key` to import 32 bytes). Returns the version. */
  createKey(name: string, options?: { enclave?: string; key?: Uint8Array }): number;
  /** Adds a version to a key and returns its number. */
  addKeyVersion(name: string, options?: { enclave?: string }): number;
  /** Returns the version numbers of a key, oldest first. */
  keyVersions(name: string, options?: { enclave?: string }): number[];
  /** Creates an enclave. */
  createEnclave(name: string): void;
  /** Creates a random API key with a policy and returns it with its identity. */
  createApiKey(policy?: MinkmsIdentityPolicy): { apiKey: string; identity: string };
  /** Sets the policy of an identity (`h1:…`). */
  allowIdentity(identity: string, policy?: MinkmsIdentityPolicy): void;
  /** Removes an identity; its requests then get 403. */
  revokeIdentity(identity: string): void;
  /** Injects a fault. */
  inject(fault: MinkmsFault, options?: MinkmsFaultOptions): MinkmsFaultHandle;
  /** Removes every fault. */
  clearFaults(): void;
  /** Stops one listener (or all): closes its port and drops its connections. */
  stop(index?: number): Promise<void>;
  /** Starts a stopped listener (or all) on its old port. */
  start(index?: number): Promise<void>;
  /** Stops every listener. */
  close(): Promise<void>;
}

interface Listener {
  index: number;
  port: number;
  server: https.Server | undefined;
  sockets: Set<Socket>;
}

const MAX_RECORDED_REQUESTS = 10_000;

/**
 * Starts a MinKMS test server on 127.0.0.1.
 *
 * @example
 * const server = await startMinkmsServer({ listeners: 3, keys: ['my-key'] });
 * const connector = createMinkmsConnector({
 *   endpoints: server.endpoints,
 *   enclave: server.enclave,
 *   apiKey: server.apiKey,
 *   ca: server.ca,
 * });
 */
export async function startMinkmsServer(
  options: MinkmsServerOptions = {},
): Promise<MinkmsTestServer> {
  const listenerCount = options.listeners ?? 1;
  if (!Number.isInteger(listenerCount) || listenerCount < 1 || listenerCount > 32) {
    throw new RangeError(
      `startMinkmsServer: \`listeners\` must be an integer from 1 to 32, got ${listenerCount}`,
    );
  }
  for (const port of options.ports ?? []) {
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new RangeError(
        `startMinkmsServer: \`ports\` must hold integers from 0 to 65535, got ${port}`,
      );
    }
  }
  const enclave = options.enclave ?? 'kmskit';
  const pki = options.pki ?? (await createTestPki({ commonName: 'kmskit MinKMS test CA' }));
  const serverCertificate = await pki.issueServer();

  const store = new MinkmsKeyStore();
  for (const name of new Set([enclave, ...(options.enclaves ?? [])])) store.createEnclave(name);
  for (const key of options.keys ?? []) store.createKey(enclave, key);

  const admin =
    options.apiKey === undefined
      ? createMinkmsApiKey()
      : { apiKey: options.apiKey, identity: identityOfApiKey(options.apiKey) };
  const policies = new Map<string, MinkmsPolicy>([
    [admin.identity, { commands: 'all', enclaves: 'all' }],
  ]);
  const faults = new MinkmsFaultSet();
  const requests: MinkmsRecordedRequest[] = [];
  const openResponses = new Set<ServerResponse>();

  const listeners: Listener[] = Array.from({ length: listenerCount }, (_, index) => ({
    index,
    port: options.ports?.[index] ?? 0,
    server: undefined,
    sockets: new Set<Socket>(),
  }));

  const startListener = async (listener: Listener): Promise<void> => {
    if (listener.server) return;
    const context = {
      listener: listener.index,
      store,
      faults,
      policies,
      primaryEnclave: enclave,
      errorFormat: options.errorFormat ?? 'protobuf',
      listLimit: options.listLimit ?? 1000,
      maxRequestBytes: options.maxRequestBytes ?? 1024 * 1024,
      version: options.version ?? '2024-05-01T00-00-00Z',
      onError: options.onError,
      openResponses,
      record: (request: MinkmsRecordedRequest) => {
        requests.push(request);
        if (requests.length > MAX_RECORDED_REQUESTS) requests.shift();
      },
    };
    const server = https.createServer(
      {
        cert: serverCertificate.cert,
        key: serverCertificate.key,
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: 'TLSv1.2',
      },
      (request, response) => {
        void handleMinkmsRequest(context, request, response);
      },
    );
    server.on('connection', (socket: Socket) => {
      listener.sockets.add(socket);
      socket.once('close', () => listener.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listener.port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    listener.port = (server.address() as AddressInfo).port;
    listener.server = server;
  };

  const stopListener = async (listener: Listener): Promise<void> => {
    const { server } = listener;
    if (!server) return;
    listener.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of listener.sockets) socket.destroy();
    listener.sockets.clear();
    await closed;
  };

  const pick = (index: number | undefined): Listener[] => {
    if (index === undefined) return listeners;
    const listener = listeners[index];
    if (!listener) throw new RangeError(`no listener ${index}: the server has ${listeners.length}`);
    return [listener];
  };

  await Promise.all(listeners.map(startListener));

  const toPolicy = (policy: MinkmsIdentityPolicy = {}): MinkmsPolicy => ({
    commands:
      policy.commands === undefined || policy.commands === 'all'
        ? 'all'
        : new Set(policy.commands.map((name) => MINKMS_SERVER_COMMANDS[name])),
    enclaves:
      policy.enclaves === undefined || policy.enclaves === 'all' ? 'all' : new Set(policy.enclaves),
  });

  return {
    endpoints: listeners.map((listener) => `https://127.0.0.1:${listener.port}`),
    apiKey: admin.apiKey,
    identity: admin.identity,
    ca: pki.ca.cert,
    enclave,
    pki,
    store,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    createKey: (name, keyOptions = {}) =>
      store.createKey(keyOptions.enclave ?? enclave, name, { key: keyOptions.key }).version,
    addKeyVersion: (name, keyOptions = {}) =>
      store.createKey(keyOptions.enclave ?? enclave, name, { addVersion: true }).version,
    keyVersions: (name, keyOptions = {}) =>
      store.versions(keyOptions.enclave ?? enclave, name).map((item) => item.version),
    createEnclave: (name) => store.createEnclave(name),
    createApiKey: (policy) => {
      const created = createMinkmsApiKey();
      policies.set(created.identity, toPolicy(policy));
      return created;
    },
    allowIdentity: (identity, policy) => {
      policies.set(identity, toPolicy(policy));
    },
    revokeIdentity: (identity) => {
      policies.delete(identity);
    },
    inject: (fault, faultOptions) => faults.add(fault, faultOptions),
    clearFaults: () => faults.clear(),
    stop: async (index) => {
      await Promise.all(pick(index).map(stopListener));
    },
    start: async (index) => {
      await Promise.all(pick(index).map(startListener));
    },
    close: async () => {
      faults.clear();
      for (const response of openResponses) response.destroy();
      openResponses.clear();
      await Promise.all(listeners.map(stopListener));
    },
  };
}
