// DARE throughput and streaming memory benchmark. Run after a build: `node bench/dare.mjs`.
// Throughput is a ratio against raw node:crypto AES-256-GCM over 64 KiB chunks in the same run,
// from CPU time;
// memory is the peak RSS above idle while 1 GiB streams through the Node stream API.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes, randomFillSync } from 'node:crypto';
import { cpus } from 'node:os';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import {
  createDareDecryptStream,
  createDareDecryptTransform,
  createDareEncryptStream,
  createDareEncryptTransform,
  DareDecryptor,
  DareEncryptor,
  decryptDare,
  encryptDare,
} from '../dist/index.js';

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;
const THROUGHPUT_BYTES = Number(process.env.DARE_BENCH_MIB ?? 256) * MIB;
const MEMORY_BYTES = Number(process.env.DARE_BENCH_MEMORY_MIB ?? 1024) * MIB;
const ROUNDS = Number(process.env.DARE_BENCH_ROUNDS ?? 7);

function chunksOf(bytes, size = CHUNK) {
  const chunks = [];
  for (let offset = 0; offset < bytes.length; offset += size) {
    chunks.push(bytes.subarray(offset, offset + size));
  }
  return chunks;
}

function sink() {
  let total = 0;
  const writable = new Writable({
    write(chunk, _encoding, callback) {
      total += chunk.length;
      callback();
    },
  });
  return { writable, total: () => total };
}

async function webCount(stream, chunks) {
  const source = new ReadableStream({
    pull(controller) {
      const next = chunks.next();
      if (next.done) {
        controller.close();
      } else {
        controller.enqueue(next.value);
      }
    },
  });
  const reader = source.pipeThrough(stream).getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return total;
    }
    total += value.length;
  }
}

/**
 * Returns the CPU seconds (user + system, all threads of this process) that `fn` takes. CPU time
 * rather than wall time, because the benchmark often runs on a machine shared with other jobs,
 * and every measured path runs on the main thread.
 */
async function timed(fn) {
  const start = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Times `fn` next to `baseline` in every round, alternating which runs first, and returns the
 * median speed of each and the median of the paired ratios, so that load from other processes
 * on a shared machine affects both sides alike.
 */
async function compare(baseline, fn) {
  const ratios = [];
  const speeds = [];
  const baseSpeeds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const baseFirst = round % 2 === 0;
    const first = await timed(baseFirst ? baseline : fn);
    const second = await timed(baseFirst ? fn : baseline);
    const [base, seconds] = baseFirst ? [first, second] : [second, first];
    baseSpeeds.push(THROUGHPUT_BYTES / MIB / base);
    speeds.push(THROUGHPUT_BYTES / MIB / seconds);
    ratios.push(base / seconds);
  }
  return { base: median(baseSpeeds), speed: median(speeds), ratio: median(ratios) };
}

/** The measured paths, in table order; each runs in its own child process. */
const PATHS = [
  ['engine', 'DARE engine (`DareEncryptor`/`DareDecryptor`), output discarded'],
  ['node-stream', 'DARE Node stream `Transform`, 64 KiB writes'],
  ['web-stream', 'DARE Web `TransformStream`, 64 KiB writes'],
  ['buffer', 'DARE buffer API, one call on the whole input'],
];

/** Child process: compares one path in one direction with its raw baseline. */
async function throughputChild(direction, path) {
  const key = randomBytes(32);
  const plaintext = randomFillSync(Buffer.allocUnsafe(THROUGHPUT_BYTES));
  const plainChunks = chunksOf(plaintext);
  const discard = () => {};

  // Baseline: one AES-256-GCM seal or open per 64 KiB chunk, output discarded.
  const iv = randomBytes(12);
  const rawEncrypt = () => {
    for (const chunk of plainChunks) {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.update(chunk);
      cipher.final();
      cipher.getAuthTag();
    }
  };
  if (direction === 'encrypt') {
    const cases = {
      engine: () => {
        const engine = new DareEncryptor(key);
        for (const chunk of plainChunks) {
          engine.write(chunk, discard);
        }
        engine.end(discard);
      },
      'node-stream': () =>
        pipeline(Readable.from(plainChunks), createDareEncryptTransform(key), sink().writable),
      'web-stream': () => webCount(createDareEncryptStream(key), plainChunks.values()),
      buffer: () => encryptDare(key, plaintext),
    };
    return compare(rawEncrypt, cases[path]);
  }

  const sealedChunks = plainChunks.map((chunk) => {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = cipher.update(chunk);
    cipher.final();
    return { body, tag: cipher.getAuthTag() };
  });
  const rawDecrypt = () => {
    for (const { body, tag } of sealedChunks) {
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.update(body);
      decipher.setAuthTag(tag);
      decipher.final();
    }
  };
  const sealed = encryptDare(key, plaintext);
  const sealedChunksDare = chunksOf(sealed);
  const cases = {
    engine: () => {
      const engine = new DareDecryptor(key);
      for (const chunk of sealedChunksDare) {
        engine.write(chunk, discard);
      }
      engine.end(discard);
    },
    'node-stream': () =>
      pipeline(Readable.from(sealedChunksDare), createDareDecryptTransform(key), sink().writable),
    'web-stream': () => webCount(createDareDecryptStream(key), sealedChunksDare.values()),
    buffer: () => decryptDare(key, sealed),
  };
  return compare(rawDecrypt, cases[path]);
}

function runChild(args) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 1024 * 1024,
  });
  if (child.status !== 0) {
    throw new Error(`benchmark child ${args.join(' ')} failed: ${child.stderr}`);
  }
  return JSON.parse(child.stdout);
}

async function throughput() {
  const base = { encrypt: [], decrypt: [] };
  const rows = [];
  for (const [path, name] of PATHS) {
    const encrypt = runChild(['--throughput-child', 'encrypt', path]);
    const decrypt = runChild(['--throughput-child', 'decrypt', path]);
    base.encrypt.push(encrypt.base);
    base.decrypt.push(decrypt.base);
    rows.push({ name, encrypt, decrypt });
  }
  console.log(
    `### Throughput (${THROUGHPUT_BYTES / MIB} MiB, median of ${ROUNDS} paired rounds)\n`,
  );
  console.log('| path | encrypt MiB/CPU-s | encrypt ratio | decrypt MiB/CPU-s | decrypt ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  console.log(
    `| raw node:crypto AES-256-GCM, 64 KiB chunks (baseline) | ${median(base.encrypt).toFixed(0)} | 1.00 | ${median(base.decrypt).toFixed(0)} | 1.00 |`,
  );
  for (const { name, encrypt, decrypt } of rows) {
    console.log(
      `| ${name} | ${encrypt.speed.toFixed(0)} | ${encrypt.ratio.toFixed(2)} | ${decrypt.speed.toFixed(0)} | ${decrypt.ratio.toFixed(2)} |`,
    );
  }
  console.log('');
}

/** Child process: stream MEMORY_BYTES through encrypt → decrypt and sample RSS. */
async function memoryChild() {
  const key = randomBytes(32);
  globalThis.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const idle = process.memoryUsage.rss();
  let peak = idle;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);

  let produced = 0;
  const source = new Readable({
    read() {
      if (produced >= MEMORY_BYTES) {
        this.push(null);
        return;
      }
      // A fresh buffer per chunk, as file and socket reads deliver.
      const chunk = Buffer.allocUnsafe(CHUNK).fill(produced & 0xff);
      produced += CHUNK;
      this.push(chunk);
    },
  });
  const out = sink();
  const start = process.hrtime.bigint();
  await pipeline(
    source,
    createDareEncryptTransform(key),
    createDareDecryptTransform(key),
    out.writable,
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  if (out.total() !== MEMORY_BYTES) {
    throw new Error(`streamed ${out.total()} bytes, expected ${MEMORY_BYTES}`);
  }
  process.stdout.write(JSON.stringify({ idle, peak, seconds }));
}

async function memory() {
  const child = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), '--memory-child'],
    { encoding: 'utf8', env: process.env },
  );
  if (child.status !== 0) {
    throw new Error(`memory child failed: ${child.stderr}`);
  }
  const { idle, peak, seconds } = JSON.parse(child.stdout);
  console.log(`### Memory (${MEMORY_BYTES / MIB} MiB through encrypt → decrypt Node transforms)\n`);
  console.log('| idle RSS MiB | peak RSS MiB | peak above idle MiB | MiB/s (both directions) |');
  console.log('| ---: | ---: | ---: | ---: |');
  console.log(
    `| ${(idle / MIB).toFixed(1)} | ${(peak / MIB).toFixed(1)} | ${((peak - idle) / MIB).toFixed(1)} | ${(MEMORY_BYTES / MIB / seconds).toFixed(0)} |`,
  );
  console.log('');
}

const childIndex = process.argv.indexOf('--throughput-child');
if (childIndex >= 0) {
  const [direction, path] = process.argv.slice(childIndex + 1);
  process.stdout.write(JSON.stringify(await throughputChild(direction, path)));
} else if (process.argv.includes('--memory-child')) {
  await memoryChild();
} else {
  console.log('## DARE benchmark\n');
  console.log(
    `Node ${process.version}, ${cpus().length} CPUs, ${cpus()[0]?.model ?? 'unknown CPU'}\n`,
  );
  await throughput();
  await memory();
}
