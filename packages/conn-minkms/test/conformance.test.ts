import { randomBytes } from 'node:crypto';
import { defineConformanceSuite, runWithVitest } from '@kmskit/conformance';
import { createKMS } from '@kmskit/core';
import { type MinkmsTestServer, startMinkmsServer } from '@kmskit/testing';
import { afterAll, describe, it } from 'vitest';
import { createMinkmsConnector } from '../src/index.js';

const DEFAULT_KEY = 'conformance-default';
const seed = randomBytes(32);
const API_KEY = `k1:${seed.toString('base64url')}`;
const servers: Array<Promise<MinkmsTestServer>> = [];

/** Defines the suite against a server with `listeners` endpoints, started on first use. */
function suite(name: string, listeners: number) {
  let server: Promise<MinkmsTestServer> | undefined;
  return defineConformanceSuite({
    name,
    createKms: async () => {
      if (server === undefined) {
        server = startMinkmsServer({ listeners, keys: [DEFAULT_KEY], apiKey: API_KEY });
        servers.push(server);
      }
      const { endpoints, enclave, ca } = await server;
      const connector = createMinkmsConnector({
        endpoints,
        enclave,
        apiKey: API_KEY,
        ca,
        defaultKeyId: DEFAULT_KEY,
        requestTimeoutMs: 5_000,
      });
      return createKMS({ connector });
    },
    secrets: [API_KEY, seed],
  });
}

afterAll(async () => {
  for (const server of servers) await (await server).close();
});

runWithVitest({ describe, it }, suite('minkms', 1));
runWithVitest({ describe, it }, suite('minkms (3 endpoints)', 3));
