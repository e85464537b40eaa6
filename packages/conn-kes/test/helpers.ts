/** Shared set-up of the conn-kes tests. */

import { readFileSync } from 'node:fs';
import { createKMS, type EndpointAttempt, type KMS, type OperationOptions } from '@kmskit/core';
import { type KesServerOptions, type KesTestServer, startKesServer } from '@kmskit/testing';
import { createKesConnector, type KesConnector, type KesConnectorOptions } from '../src/index.js';

/** A running server with a connector and a `KMS` in front of it. */
export interface KesPair {
  server: KesTestServer;
  connector: KesConnector;
  kms: KMS;
  close(): Promise<void>;
}

/** Starts a KES test server and a connector to it that authenticates with the admin certificate. */
export async function startPair(
  serverOptions: KesServerOptions = {},
  connectorOptions: Partial<KesConnectorOptions> = {},
): Promise<KesPair> {
  const server = await startKesServer(serverOptions);
  const connector = connectTo(server, connectorOptions);
  const kms = createKMS({ connector, timeoutMs: 10_000 });
  return {
    server,
    connector,
    kms,
    close: async () => {
      await connector.close();
      await server.close();
    },
  };
}

/** Creates a connector to a test server with the admin certificate and short time limits. */
export function connectTo(
  server: KesTestServer,
  options: Partial<KesConnectorOptions> = {},
): KesConnector {
  const credentials =
    options.apiKey !== undefined ? {} : { cert: server.admin.cert, key: server.admin.key };
  return createKesConnector({
    endpoints: server.endpoints,
    ca: server.ca,
    requestTimeoutMs: 2_000,
    cooldownMs: 60_000,
    defaultKeyId: 'my-key',
    ...credentials,
    ...options,
  });
}

/** Operation options for calling a connector directly, recording the attempts. */
export function operation(signal: AbortSignal = new AbortController().signal): OperationOptions & {
  attempts: EndpointAttempt[];
} {
  const attempts: EndpointAttempt[] = [];
  return { signal, attempts, reportAttempt: (attempt) => attempts.push(attempt) };
}

/** Awaits a promise that must reject and returns its reason. */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** One test vector; inputs and expected fields depend on `kind`. */
export interface Vector {
  name: string;
  kind: string;
  inputs: Record<string, unknown>;
  expected: Record<string, unknown>;
  kmskit_expected?: Record<string, unknown>;
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/kes-vectors.json', import.meta.url), 'utf8'),
) as { vectors: Vector[] };

/** Returns the vectors of one kind. */
export function vectorsOf(kind: string): Vector[] {
  return fixture.vectors.filter((vector) => vector.kind === kind);
}

/** Waits until `condition` holds, polling every 20 ms, for at most `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
