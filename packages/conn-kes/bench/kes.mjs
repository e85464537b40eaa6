// Throughput of the KES connector against the KES test server, as a ratio to raw undici requests
// that send the same bytes to the same server in the same run.
//
// One operation is a generate request followed by a decrypt request of the returned ciphertext,
// with the context {"bucket":"bucket/object"}. It runs three ways:
// - raw undici (baseline): the same JSON bodies POSTed with undici `request` over an `Agent` with
//   the same client certificate, parsing the generate response to build the decrypt body;
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
import { Agent, request } from 'undici';
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
  const server = await startKesServer({ keys: { '${KEY}': new Uint8Array(32).fill(7) } });
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

const connector = createKesConnector({
  endpoints: server.endpoints,
  ca: server.ca,
  cert: server.admin.cert,
  key: server.admin.key,
});
const kms = createKMS({ connector });
const never = new AbortController().signal;
// The direct connector calls share one signal, so 64 concurrent attempts listen on it at once.
setMaxListeners(0, never);

const agent = new Agent({
  connect: { ca: server.ca, cert: server.admin.cert, key: server.admin.key },
});
const origin = server.endpoints[0];
const generateBody = `{"context":"${AD_BASE64}"}`;
async function post(path, body) {
  const response = await request(`${origin}${path}`, {
    dispatcher: agent,
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
    Object.entries(samples).map(([name, values]) => [name, median(values)]),
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
console.log('| way | concurrency 1 (ops/s) | concurrency 64 (ops/s) |');
console.log('| --- | ---: | ---: |');
for (const name of Object.keys(ways)) {
  console.log(`| ${name} | ${format(results[1][name])} | ${format(results[64][name])} |`);
}
const baseline = 'raw undici (baseline)';
for (const name of ['connector', 'KMS client']) {
  const ratios = CONCURRENCY.map((c) => (results[c][name] / results[c][baseline]).toFixed(2));
  console.log(`| ratio ${name} / baseline | ${ratios[0]} | ${ratios[1]} |`);
}
