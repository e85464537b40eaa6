// Measures PutObject and GetObject throughput of the example server through the AWS SDK, for
// unencrypted objects (the baseline) and for SSE-S3, SSE-KMS and SSE-C, and prints a markdown
// table with the median rate and the ratio to the baseline. Rounds alternate between the modes.
//
//   node bench/s3-throughput.mjs        (BENCH_MIB=32 BENCH_ROUNDS=5 by default)

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS } from '@kmskit/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startS3Server } from '../dist/index.js';

const MIB = 1024 * 1024;
const size = Number(process.env.BENCH_MIB ?? 32) * MIB;
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const customerKey = randomBytes(32);
const MODES = {
  unencrypted: {},
  'SSE-S3': { ServerSideEncryption: 'AES256' },
  'SSE-KMS': { ServerSideEncryption: 'aws:kms' },
  'SSE-C': { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey },
};

const dataDir = await mkdtemp(join(tmpdir(), 'kmskit-s3-bench-'));
const kms = createKMS({
  connector: createBuiltinConnector({
    secretKey: `bench-key:${randomBytes(32).toString('base64')}`,
  }),
});
const server = await startS3Server({ dataDir, kms });
const client = new S3Client({
  endpoint: server.endpoint,
  region: server.region,
  forcePathStyle: true,
  credentials: server.credentials,
  requestHandler: new NodeHttpHandler({
    httpsAgent: new Agent({ ca: server.ca, keepAlive: true }),
  }),
});
await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
const body = randomBytes(size);

async function measure(mode, sse) {
  const key = `object-${mode}`;
  let started = performance.now();
  await client.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: body, ...sse }));
  const put = size / MIB / ((performance.now() - started) / 1000);
  const readSse = mode === 'SSE-C' ? sse : {};
  started = performance.now();
  const output = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: key, ...readSse }));
  let received = 0;
  for await (const chunk of output.Body) received += chunk.length;
  if (received !== size) throw new Error(`${mode}: read ${received} of ${size} bytes`);
  const get = size / MIB / ((performance.now() - started) / 1000);
  return { put, get };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const results = Object.fromEntries(Object.keys(MODES).map((mode) => [mode, { put: [], get: [] }]));
for (const [mode, sse] of Object.entries(MODES)) await measure(mode, sse); // warm-up
for (let round = 0; round < rounds; round++) {
  for (const [mode, sse] of Object.entries(MODES)) {
    const { put, get } = await measure(mode, sse);
    results[mode].put.push(put);
    results[mode].get.push(get);
  }
}
client.destroy();
await server.close();
await rm(dataDir, { recursive: true, force: true });

const base = { put: median(results.unencrypted.put), get: median(results.unencrypted.get) };
console.log(
  `Object of ${size / MIB} MiB, median of ${rounds} rounds; Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`,
);
console.log('');
console.log('| mode | PUT MiB/s | PUT ratio | GET MiB/s | GET ratio |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const mode of Object.keys(MODES)) {
  const put = median(results[mode].put);
  const get = median(results[mode].get);
  console.log(
    `| ${mode} | ${put.toFixed(0)} | ${(put / base.put).toFixed(2)} | ${get.toFixed(0)} | ${(get / base.get).toFixed(2)} |`,
  );
}
