// Throughput of the MinKMS connector against the MinKMS test server, as a ratio to raw undici
// requests that send the same bytes to the same server in the same process.
//
// One operation is a KEY:GENERATE request followed by a KEY:DECRYPT request. It runs three ways:
// - raw undici (baseline): the connector's own request bodies, captured once, POSTed with undici
//   `request` over an `Agent` with a client certificate, reading each response body;
// - the connector called directly;
// - the `KMS` client over the connector (what applications call).
// Each way runs at concurrency 1 and 64; rounds alternate between the ways, and the table shows
// the median rate and the median of the per-round ratios. Run: npm run bench (in
// packages/conn-minkms, after a build).
// BENCH_SECONDS (default 2) and BENCH_ROUNDS (default 5) override the defaults.

import { createHash, X509Certificate } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import tls from 'node:tls';
import { createKMS } from '@kmskit/core';
import { startMinkmsServer } from '@kmskit/testing';
import { Agent, request } from 'undici';
import { createMinkmsConnector } from '../dist/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONCURRENCY = [1, 64];
const WARMUP_OPERATIONS = 300;
const KEY = 'bench-key';
const CONTEXT = { bucket: 'bucket/object' };
const AD = new TextEncoder().encode('{"bucket":"bucket/object"}');

const server = await startMinkmsServer({ keys: [KEY] });
const connector = createMinkmsConnector({
  endpoints: server.endpoints,
  enclave: server.enclave,
  apiKey: server.apiKey,
  ca: server.ca,
});
const kms = createKMS({ connector });
const never = new AbortController().signal;
// The direct connector calls share one signal, so 64 concurrent attempts listen on it at once.
setMaxListeners(0, never);

// The baseline replays the exact bodies the connector sends, captured from undici's channel.
const bodies = [];
const capture = ({ request: created }) => bodies.push(Buffer.from(created.body));
diagnosticsChannel.subscribe('undici:request:create', capture);
const sealed = await kms.generateKey({ name: KEY, context: CONTEXT });
await kms.decrypt({
  name: KEY,
  version: sealed.version,
  ciphertext: sealed.ciphertext,
  context: CONTEXT,
});
diagnosticsChannel.unsubscribe('undici:request:create', capture);
const [generateFrame, decryptFrame] = bodies;
if (generateFrame?.readUInt16BE(0) !== 207 || decryptFrame?.readUInt16BE(0) !== 206) {
  throw new Error("bench: could not capture the connector's request bodies");
}

// The baseline authenticates with a certificate from the test PKI, registered as an identity.
const client = await server.pki.issueClient('bench');
const spki = new X509Certificate(client.cert).publicKey.export({ type: 'spki', format: 'der' });
server.allowIdentity(`h1:${createHash('sha256').update(spki).digest('base64url')}`);
// One TLS context for all connections, as the connector uses.
const secureContext = tls.createSecureContext({
  ca: server.ca,
  cert: client.cert,
  key: client.key,
});
const agent = new Agent({ connect: { secureContext } });
const url = `${server.endpoints[0]}/v1/kms/${server.enclave}`;
async function post(body) {
  const response = await request(url, {
    dispatcher: agent,
    method: 'POST',
    headers: {
      'content-type': 'application/octet-stream',
      accept: 'application/*',
      'content-length': String(body.length),
    },
    body,
  });
  const bytes = await response.body.bytes();
  if (response.statusCode !== 200)
    throw new Error(`raw request failed with ${response.statusCode}`);
  return bytes;
}

const ways = {
  'raw undici (baseline)': async () => {
    await post(generateFrame);
    await post(decryptFrame);
  },
  connector: async () => {
    const options = { signal: never };
    const key = await connector.generateKey({ name: KEY, associatedData: AD }, options);
    await connector.decrypt(
      { name: KEY, version: key.version, ciphertext: key.ciphertext, associatedData: AD },
      options,
    );
  },
  'KMS client': async () => {
    const key = await kms.generateKey({ name: KEY, context: CONTEXT });
    await kms.decrypt({
      name: KEY,
      version: key.version,
      ciphertext: key.ciphertext,
      context: CONTEXT,
    });
  },
};

/** Runs `operation` with `concurrency` workers for `seconds`; returns operations per second. */
async function measure(operation, concurrency, seconds) {
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await operation();
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baseline = 'raw undici (baseline)';
const results = {};
for (const concurrency of CONCURRENCY) {
  for (const operation of Object.values(ways)) {
    for (let i = 0; i < WARMUP_OPERATIONS; i += concurrency) {
      await Promise.all(Array.from({ length: concurrency }, operation));
    }
  }
  const samples = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, operation] of Object.entries(ways)) {
      samples[name].push(await measure(operation, concurrency, SECONDS));
    }
  }
  // Each round's ratio compares runs made seconds apart, so load from other processes cancels
  // out better than in a ratio of medians.
  const ratios = (name) => samples[name].map((value, round) => value / samples[baseline][round]);
  results[concurrency] = {
    rates: Object.fromEntries(
      Object.entries(samples).map(([name, values]) => [name, median(values)]),
    ),
    ratios: Object.fromEntries(
      Object.keys(ways)
        .filter((name) => name !== baseline)
        .map((name) => [name, ratios(name)]),
    ),
  };
}

await kms.close();
await agent.close();
await server.close();

const cpu =
  readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
const format = (value) => Math.round(value).toLocaleString('en-US');
const ratio = (values) =>
  `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
console.log(`Node ${process.version}, nproc ${os.availableParallelism()}, CPU ${cpu}`);
console.log(
  `load average ${os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(', ')}`,
);
console.log(`${SECONDS} s per measurement, ${ROUNDS} rounds\n`);
console.log('| way | concurrency 1 (ops/s) | concurrency 64 (ops/s) |');
console.log('| --- | ---: | ---: |');
for (const name of Object.keys(ways)) {
  console.log(
    `| ${name} | ${format(results[1].rates[name])} | ${format(results[64].rates[name])} |`,
  );
}
for (const name of Object.keys(results[1].ratios)) {
  console.log(
    `| ratio ${name} / baseline, median (range) | ${ratio(results[1].ratios[name])} | ${ratio(results[64].ratios[name])} |`,
  );
}
