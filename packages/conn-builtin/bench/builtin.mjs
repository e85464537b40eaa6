// Measures builtin generate + decrypt through the KMS client against the same primitives called
// directly with node:crypto, in one run, and prints a markdown table with the ratio.
// Usage: npm run bench (after a build). BENCH_SECONDS sets the time per measurement (default 2).

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
} from 'node:crypto';
import { cpus } from 'node:os';
import { createKMS, encodeContext } from '@kmskit/core';
import { createBuiltinConnector } from '../dist/index.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const ROUNDS = 3;
const SECRET = `bench-key:${randomBytes(32).toString('base64')}`;
const CONTEXT = { 'my-bucket': 'my-bucket/my-object' };
const ASSOCIATED_DATA = Buffer.from('{"my-bucket":"my-bucket/my-object"}');

const connector = createBuiltinConnector({ secretKey: SECRET });
const kms = createKMS({ connector });
const operation = { signal: new AbortController().signal };
const masterKey = createSecretKey(randomBytes(32));

async function viaKms() {
  const key = await kms.generateKey({ context: CONTEXT });
  await kms.decrypt({ name: 'bench-key', ciphertext: key.ciphertext, context: CONTEXT });
}

// The connector without the KMS client: shows how much of the cost is the client's.
async function viaConnector() {
  const associatedData = encodeContext(CONTEXT);
  const key = await connector.generateKey({ name: 'bench-key', associatedData }, operation);
  await connector.decrypt(
    { name: 'bench-key', version: 0, ciphertext: key.ciphertext, associatedData },
    operation,
  );
}

// The same work without kmskit: 60 random bytes (data key, IV, nonce), HMAC-SHA256 key
// derivation, AES-256-GCM seal, then derivation and open again.
async function direct() {
  const random = randomBytes(60);
  const plaintext = random.subarray(0, 32);
  const iv = random.subarray(32, 48);
  const nonce = random.subarray(48, 60);
  const sealKey = createHmac('sha256', masterKey).update(iv).digest();
  const cipher = createCipheriv('aes-256-gcm', sealKey, nonce);
  cipher.setAAD(ASSOCIATED_DATA);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();

  const openKey = createHmac('sha256', masterKey).update(iv).digest();
  const decipher = createDecipheriv('aes-256-gcm', openKey, nonce);
  decipher.setAuthTag(tag);
  decipher.setAAD(ASSOCIATED_DATA);
  Buffer.concat([decipher.update(sealed), decipher.final()]);
}

async function measure(run) {
  for (let i = 0; i < 2000; i++) await run();
  let count = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) await run();
    count += 100;
  }
  return count / ((performance.now() - started) / 1000);
}

const kmsRates = [];
const connectorRates = [];
const directRates = [];
for (let round = 0; round < ROUNDS; round++) {
  directRates.push(await measure(direct));
  connectorRates.push(await measure(viaConnector));
  kmsRates.push(await measure(viaKms));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kmsRate = median(kmsRates);
const connectorRate = median(connectorRates);
const directRate = median(directRates);

const format = (value) => Math.round(value).toLocaleString('en-US');
console.log(`node ${process.version}, ${cpus().length} CPUs, ${cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(`median of ${ROUNDS} rounds of ${SECONDS} s each\n`);
console.log('| measurement | generate + decrypt per second |');
console.log('| --- | ---: |');
console.log(`| KMS client with builtin connector | ${format(kmsRate)} |`);
console.log(`| builtin connector without the KMS client | ${format(connectorRate)} |`);
console.log(`| node:crypto primitives directly (baseline) | ${format(directRate)} |`);
console.log(`| ratio KMS / baseline | ${(kmsRate / directRate).toFixed(2)} |`);
console.log(`| ratio connector / baseline | ${(connectorRate / directRate).toFixed(2)} |`);
