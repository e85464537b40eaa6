import { randomBytes } from 'node:crypto';
import { defineConformanceSuite, runWithVitest } from '@kmskit/conformance';
import { createKMS } from '@kmskit/core';
import { type KesServerOptions, type KesTestServer, startKesServer } from '@kmskit/testing';
import { afterAll, describe, it } from 'vitest';
import { createKesConnector, parseKesApiKey } from '../src/index.js';

const DEFAULT_KEY = 'conformance-default';
const servers: Array<Promise<KesTestServer>> = [];

/** Defines the suite against a server started on first use, authenticating as `auth`. */
function suite(name: string, serverOptions: KesServerOptions, auth: 'api-key' | 'certificate') {
  let server: Promise<KesTestServer> | undefined;
  const secrets: Array<string | Uint8Array> = [];
  return defineConformanceSuite({
    name,
    createKms: async () => {
      if (server === undefined) {
        server = startKesServer({ ...serverOptions, keys: { [DEFAULT_KEY]: randomBytes(32) } });
        servers.push(server);
      }
      const started = await server;
      const credentials =
        auth === 'api-key'
          ? { apiKey: started.apiKey }
          : { cert: started.admin.cert, key: started.admin.key };
      if (secrets.length === 0) {
        if (auth === 'api-key') {
          secrets.push(started.apiKey, parseKesApiKey(started.apiKey).exportSeed());
        } else {
          secrets.push(started.admin.key.split('\n')[1]!);
        }
      }
      const connector = createKesConnector({
        endpoints: started.endpoints,
        ca: started.ca,
        defaultKeyId: DEFAULT_KEY,
        requestTimeoutMs: 5_000,
        ...credentials,
      });
      return createKMS({ connector });
    },
    get secrets() {
      return secrets;
    },
    capabilities: serverOptions.version === 'v0.22' ? { mac: false } : undefined,
  });
}

afterAll(async () => {
  for (const server of servers) await (await server).close();
});

runWithVitest({ describe, it }, suite('kes', {}, 'api-key'));
runWithVitest({ describe, it }, suite('kes (3 endpoints)', { listeners: 3 }, 'certificate'));
runWithVitest({ describe, it }, suite('kes v0.22', { version: 'v0.22' }, 'certificate'));
