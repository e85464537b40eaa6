// Cost of the SSE adapter's PUT and GET paths over raw DARE. Run after a build:
// `node bench/sse-adapter.mjs`. Each row times the adapter call sequence an S3 server makes
// (prepareUpload + encrypt + finish, or openObject + decrypt) and, in the same run, the bare
// encryptDare / decryptDare of the same body, alternating with the adapter calls; each figure is the
// median of ROUNDS rounds and the ratio is adapter time over bare DARE time.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS } from '@kmskit/core';
import { createSseAdapter, decryptDare, encryptDare } from '../dist/index.js';

const SIZES = [1024, 64 * 1024, 1024 * 1024, 16 * 1024 * 1024];
const MIN_TIME_MS = Number(process.env.SSE_BENCH_MS ?? 200);
const ROUNDS = Number(process.env.SSE_BENCH_ROUNDS ?? 3);
const secretKey = `bench-key:${randomBytes(32).toString('base64')}`;
const kms = createKMS({ connector: createBuiltinConnector({ secretKey }) });
const sse = createSseAdapter({ kms });
const customerKey = randomBytes(32);
const HEADERS = {
  'SSE-S3': { 'X-Amz-Server-Side-Encryption': 'AES256' },
  'SSE-KMS': { 'X-Amz-Server-Side-Encryption': 'aws:kms' },
  'SSE-C': {
    'X-Amz-Server-Side-Encryption-Customer-Algorithm': 'AES256',
    'X-Amz-Server-Side-Encryption-Customer-Key': customerKey.toString('base64'),
    'X-Amz-Server-Side-Encryption-Customer-Key-Md5': createHash('md5')
      .update(customerKey)
      .digest('base64'),
  },
};

/** Runs `fn` repeatedly for at least MIN_TIME_MS and returns the mean milliseconds per call. */
async function measure(fn) {
  await fn();
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_TIME_MS || runs < 3) {
    await fn();
    runs++;
  }
  return (performance.now() - start) / runs;
}

/** Runs each measurement ROUNDS times, alternating them, and returns the medians. */
async function medians(functions) {
  const samples = functions.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, fn] of functions.entries()) samples[index].push(await measure(fn));
  }
  return samples.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]);
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

const rows = [];
for (const size of SIZES) {
  const body = randomBytes(size);
  const md5 = createHash('md5').update(body).digest();
  const dareKey = randomBytes(32);
  const sealed = encryptDare(dareKey, body);
  for (const [type, headers] of Object.entries(HEADERS)) {
    const upload = await sse.prepareUpload({ bucket: 'bench', object: 'object', headers });
    const stored = upload.encrypt(body);
    const { etag } = upload.finish(md5);
    const [put, bareEncrypt, get, bareDecrypt] = await medians([
      async () => {
        const fresh = await sse.prepareUpload({ bucket: 'bench', object: 'object', headers });
        fresh.encrypt(body);
        fresh.finish(md5);
        fresh.dispose();
      },
      () => encryptDare(dareKey, body),
      async () => {
        const reader = await sse.openObject({
          bucket: 'bench',
          object: 'object',
          headers: type === 'SSE-C' ? headers : {},
          method: 'GET',
          metadata: upload.metadata,
          size: stored.length,
          etag,
        });
        reader.decrypt(stored);
        reader.dispose();
      },
      () => decryptDare(dareKey, sealed),
    ]);
    rows.push({ size, type, put, bareEncrypt, get, bareDecrypt });
  }
}

const cpuModel =
  (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown';
console.log('# @kmskit/s3-sse-adapter: SSE adapter overhead over DARE\n');
console.log(
  `Command: \`node bench/sse-adapter.mjs\` (SSE_BENCH_MS=${MIN_TIME_MS}, SSE_BENCH_ROUNDS=${ROUNDS})  `,
);
console.log(`Node ${process.version}, nproc ${cpus().length}, CPU ${cpuModel}  `);
console.log(
  'KMS: builtin connector (local AES-256-GCM), one call per SSE-S3/SSE-KMS PUT and GET.\n',
);
console.log(
  '| body | type | PUT ms | bare encrypt ms | PUT ratio | GET ms | bare decrypt ms | GET ratio |',
);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(
    `| ${formatSize(row.size)} | ${row.type} | ${row.put.toFixed(3)} | ${row.bareEncrypt.toFixed(3)} | ${(row.put / row.bareEncrypt).toFixed(2)} | ${row.get.toFixed(3)} | ${row.bareDecrypt.toFixed(3)} | ${(row.get / row.bareDecrypt).toFixed(2)} |`,
  );
}
await kms.close();
