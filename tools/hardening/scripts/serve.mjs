#!/usr/bin/env node
// Runs a KES or MinKMS test server in its own process for the load scripts, so that the client's
// memory and sockets are measured alone. Started by load-lib.mjs over IPC. It sends the server's
// endpoints and credentials, and stops when it receives 'close' or its parent exits.
//
//   node scripts/serve.mjs kes|minkms

import { randomBytes } from 'node:crypto';
import { startKesServer, startMinkmsServer } from '@kmskit/testing';

const kind = process.argv[2];
const KEY = 'soak-key';

let server;
if (kind === 'kes') {
  server = await startKesServer({ keys: { [KEY]: randomBytes(32) } });
  process.send({
    kind,
    key: KEY,
    endpoints: server.endpoints,
    ca: server.ca,
    apiKey: server.apiKey,
  });
} else if (kind === 'minkms') {
  server = await startMinkmsServer({ keys: [KEY] });
  process.send({
    kind,
    key: KEY,
    endpoints: server.endpoints,
    ca: server.ca,
    apiKey: server.apiKey,
    enclave: server.enclave,
  });
} else {
  throw new TypeError(`serve.mjs: expected 'kes' or 'minkms', got ${kind}`);
}

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('message', (message) => {
  if (message === 'close') void stop();
});
process.on('disconnect', () => void stop());
