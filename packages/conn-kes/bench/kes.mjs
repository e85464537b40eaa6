// Throughput of the KES connector against the KES test server, as a ratio to raw undici requests
// that send the same bytes to the same server in the same run.
//
// One operation is a generate request followed by a decrypt request of the returned ciphertext,
// with the context {"bucket":"bucket/object"}. It runs three ways:
// - raw undici (baseline): the same JSON bodies POSTed with `Agent.request` of undici over an
//   `Agent` with the same client certificate, parsing the generate response to build the decrypt body;
// - the connector called directly;
// - the `KMS` client over the connector (what applications call).
// The server runs in a worker thread, so its work does not share the event loop with the client.
// Each way runs at concurrency 1 and 64; rounds alternate between the ways, and the table shows
// the median of the rounds. Run: npm run bench (in packages/conn-kes, after a build).
// BENCH_SECONDS (default 2) and BENCH_ROUNDS (default 3) override the defaults.

import { setMaxListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { createKMS } from '@kmskit/core';
import { Agent } from 'undici';
import { createKesConnector } from '../dist/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = [1, 64];
const WARMUP_OPERATIONS = 300;
const KEY = 'bench-key';
const CONTEXT = { bucket: 'bucket/object' };
const AD = new TextEncoder().encode('{"bucket":"bucket/object"}');
const AD_BASE64 = Buffer.from(AD).toString('base64');

const worker = new Worker(
  `
  import { parentPort } from 'node:worker_threads';
  import { startKesServer } from '@kmskit/testing';
  const server = await startKesServer({
    keys: { '${KEY}': new Uint8Array(32).fill(7) },
    keepAliveTimeoutMs: 60_000,
  });
  parentPort.postMessage({ endpoints: server.endpoints, ca: server.ca, admin: server.admin });
  parentPort.once('message', async () => {
    await server.close();
    parentPort.postMessage('closed');
  });
  `,
  { eval: true, type: 'module' },
);
const server = await new Promise((resolve, reject) => {
  worker.once('message', resolve);
  worker.once('error', reject);
});

// Idle connections stay open between rounds for both clients, so that no way pays for new TLS
// handshakes while the others run.
const KEEP_ALIVE_MS = 30_000;
const connector = createKesConnector({
  endpoints: server.endpoints,
  ca: server.ca,
  cert: server.admin.cert,
  key: server.admin.key,
  keepAliveTimeoutMs: KEEP_ALIVE_MS,
});
const kms = createKMS({ connector });
const never = new AbortController().signal;
// The direct connector calls share one signal, so 64 concurrent attempts listen on it at once.
setMaxListeners(0, never);

const agent = new Agent({
  connect: { ca: server.ca, cert: server.admin.cert, key: server.admin.key },
  keepAliveTimeout: KEEP_ALIVE_MS,
  keepAliveMaxTimeout: KEEP_ALIVE_MS,
});
const origin = server.endpoints[0];
const generateBody = `{"context":"${AD_BASE64}"}`;
async function post(path, body) {
  const response = await agent.request({
    origin,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const text = await response.body.text();
  if (response.statusCode !== 200)
    throw new Error(`raw request failed with ${response.statusCode}`);
  return text;
}

const ways = {
  'raw undici (baseline)': async () => {
    const generated = JSON.parse(await post(`/v1/key/generate/${KEY}`, generateBody));
    const decryptBody = `{"ciphertext":"${generated.ciphertext}","context":"${AD_BASE64}"}`;
    const opened = JSON.parse(await post(`/v1/key/decrypt/${KEY}`, decryptBody));
    if (opened.plaintext !== generated.plaintext) throw new Error('raw round trip failed');
  },
  connector: async () => {
    const options = { signal: never };
    const key = await connector.generateKey({ name: KEY, associatedData: AD }, options);
    await connector.decrypt(
      { name: KEY, version: 0, ciphertext: key.ciphertext, associatedData: AD },
      options,
    );
  },
  'KMS client': async () => {
    const key = await kms.generateKey({ name: KEY, context: CONTEXT });
    await kms.decrypt({ name: KEY, ciphertext: key.ciphertext, context: CONTEXT });
  },
};

/**
 * Runs `operation` with `concurrency` workers for `seconds` after a short warm-up. Returns the
 * operations per second and the main thread's busy time per operation in microseconds (event loop
 * utilisation), which excludes the server thread and most of the noise of a shared machine.
 */
async function measure(operation, concurrency, seconds) {
  await Promise.all(Array.from({ length: concurrency }, operation));
  let done = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const utilisation = performance.eventLoopUtilization();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        await operation();
        done++;
      }
    }),
  );
  const busy = performance.eventLoopUtilization(utilisation).active;
  return { rate: done / ((performance.now() - started) / 1000), busyMicros: (busy * 1000) / done };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
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
  results[concurrency] = Object.fromEntries(
    Object.entries(samples).map(([name, values]) => [
      name,
      {
        rate: median(values.map((value) => value.rate)),
        busyMicros: median(values.map((value) => value.busyMicros)),
      },
    ]),
  );
}

await kms.close();
await agent.close();
worker.postMessage('close');
await new Promise((resolve) => worker.once('message', resolve));
await worker.terminate();

const cpu =
  readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
const load = os.loadavg()[0].toFixed(1);
const format = (value) => Math.round(value).toLocaleString('en-US');
console.log(
  `Node ${process.version}, nproc ${os.availableParallelism()}, CPU ${cpu}, load ${load}`,
);
console.log(`${SECONDS} s per measurement, median of ${ROUNDS} rounds\n`);
console.log(
  '| way | ops/s, concurrency 1 | ops/s, concurrency 64 | client µs/op, concurrency 1 | client µs/op, concurrency 64 |',
);
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const name of Object.keys(ways)) {
  const [one, many] = CONCURRENCY.map((c) => results[c][name]);
  console.log(
    `| ${name} | ${format(one.rate)} | ${format(many.rate)} | ${format(one.busyMicros)} | ${format(many.busyMicros)} |`,
  );
}
const baseline = 'raw undici (baseline)';
for (const name of ['connector', 'KMS client']) {
  const [one, many] = CONCURRENCY.map((c) => results[c][name]);
  const [rawOne, rawMany] = CONCURRENCY.map((c) => results[c][baseline]);
  const ratio = (a, b) => (a / b).toFixed(2);
  console.log(
    `| ratio ${name} / baseline | ${ratio(one.rate, rawOne.rate)} | ${ratio(many.rate, rawMany.rate)} | ${ratio(rawOne.busyMicros, one.busyMicros)} | ${ratio(rawMany.busyMicros, many.busyMicros)} |`,
  );
}
console.log(
  '\nRatios are the way over the baseline for ops/s, and the baseline over the way for µs/op, so',
);
console.log('1.00 means as fast as raw undici in both.');
