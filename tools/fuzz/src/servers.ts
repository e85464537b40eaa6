/** KES and MinKMS test servers with a connector and a `KMS` client, for the response targets. */

import { createKesConnector } from '@kmskit/conn-kes';
import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { createKMS, type KMS } from '@kmskit/core';
import {
  type KesTestServer,
  type MinkmsTestServer,
  startKesServer,
  startMinkmsServer,
} from '@kmskit/testing';

/** A running test server and a client of it. */
export interface Served<S> {
  server: S;
  kms: KMS;
  /** A ciphertext of the key `fuzz-key` under the empty context. */
  ciphertext: Uint8Array;
  close(): Promise<void>;
}

/** Per-attempt and per-call time limits of the fuzzing clients. */
export const REQUEST_TIMEOUT_MS = 2_000;
export const CALL_TIMEOUT_MS = 4_000;

/** Starts a KES server with the key `fuzz-key` and a warmed-up client. */
export async function serveKes(): Promise<Served<KesTestServer>> {
  const server = await startKesServer();
  const connector = createKesConnector({
    endpoints: server.endpoints,
    ca: server.ca,
    cert: server.admin.cert,
    key: server.admin.key,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    cooldownMs: 0,
  });
  const kms = createKMS({ connector, timeoutMs: CALL_TIMEOUT_MS });
  await kms.createKey({ name: 'fuzz-key' });
  await kms.version();
  await kms.listKeys();
  const { ciphertext } = await kms.generateKey({ name: 'fuzz-key' });
  return {
    server,
    kms,
    ciphertext,
    async close() {
      await kms.close();
      await server.close();
    },
  };
}

/** Starts a MinKMS server with the key `fuzz-key` and a warmed-up client. */
export async function serveMinkms(): Promise<Served<MinkmsTestServer>> {
  const server = await startMinkmsServer({ keys: ['fuzz-key'] });
  const connector = createMinkmsConnector({
    endpoints: server.endpoints,
    enclave: server.enclave,
    apiKey: server.apiKey,
    ca: server.ca,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    cooldownMs: 0,
  });
  const kms = createKMS({ connector, timeoutMs: CALL_TIMEOUT_MS });
  await kms.version();
  const { ciphertext } = await kms.generateKey({ name: 'fuzz-key' });
  return {
    server,
    kms,
    ciphertext,
    async close() {
      await kms.close();
      await server.close();
    },
  };
}

/** The KMS operations the response targets call. */
export const OPERATIONS = [
  'generateKey',
  'decrypt',
  'mac',
  'listKeys',
  'version',
  'status',
  'createKey',
  'deleteKey',
] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Calls one operation on `fuzz-key` (or a throw-away key for create and delete). */
export async function callOperation(
  served: Served<unknown>,
  operation: Operation,
): Promise<unknown> {
  const { kms } = served;
  switch (operation) {
    case 'generateKey':
      return kms.generateKey({ name: 'fuzz-key', context: { bucket: 'bucket/object' } });
    case 'decrypt':
      return kms.decrypt({ name: 'fuzz-key', ciphertext: served.ciphertext });
    case 'mac':
      return kms.mac({ name: 'fuzz-key', message: new Uint8Array(16) });
    case 'listKeys':
      return kms.listKeys({ prefix: 'fuzz' });
    case 'version':
      return kms.version();
    case 'status':
      return kms.status();
    case 'createKey':
      return kms.createKey({ name: 'fuzz-created' });
    case 'deleteKey':
      return kms.deleteKey({ name: 'fuzz-created' });
  }
}
