/** Shared set-up of the conn-minkms tests. */

import { createKMS, type EndpointAttempt, type KMS, type OperationOptions } from '@kmskit/core';
import {
  type MinkmsServerOptions,
  type MinkmsTestServer,
  startMinkmsServer,
} from '@kmskit/testing';
import {
  createMinkmsConnector,
  type MinkmsConnector,
  type MinkmsConnectorOptions,
} from '../src/index.js';

/** Starts a test server and a connector to it; `close` stops both. */
export async function startPair(
  serverOptions: MinkmsServerOptions = {},
  connectorOptions: Partial<MinkmsConnectorOptions> = {},
): Promise<{
  server: MinkmsTestServer;
  connector: MinkmsConnector;
  kms: KMS;
  close(): Promise<void>;
}> {
  const server = await startMinkmsServer(serverOptions);
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

/** Creates a connector to a test server with short time limits. */
export function connectTo(
  server: MinkmsTestServer,
  options: Partial<MinkmsConnectorOptions> = {},
): MinkmsConnector {
  return createMinkmsConnector({
    endpoints: server.endpoints,
    enclave: server.enclave,
    apiKey: server.apiKey,
    ca: server.ca,
    requestTimeoutMs: 2_000,
    cooldownMs: 60_000,
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

/** Returns the rejection of a promise, failing when it resolves. */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error('expected the promise to reject');
}
