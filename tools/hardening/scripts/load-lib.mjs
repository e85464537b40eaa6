// Shared pieces of soak.mjs and throughput-chart.mjs: a test server in a child process, a KMS
// client for it, a closed-loop load of N concurrent operations, and process measurements.

import { fork } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKesConnector } from '@kmskit/conn-kes';
import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { createKMS, KmsError } from '@kmskit/core';

const here = dirname(fileURLToPath(import.meta.url));

/** Starts a test server of `kind` in a child process and returns what a client needs. */
export async function startServerProcess(kind) {
  const child = fork(join(here, 'serve.mjs'), [kind], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`the ${kind} server exited with code ${code}`)));
  });
  return {
    info,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send('close');
      }),
  };
}

/**
 * Creates a `KMS` over the connector of `info.kind`. `maxConnections` caps the KES connector's
 * pool; the MinKMS connector has no such option.
 */
export function createClient(
  info,
  { timeoutMs = 60_000, requestTimeoutMs = 30_000, maxConnections } = {},
) {
  const connector =
    info.kind === 'kes'
      ? createKesConnector({
          endpoints: info.endpoints,
          ca: info.ca,
          apiKey: info.apiKey,
          requestTimeoutMs,
          ...(maxConnections ? { maxConnections } : {}),
        })
      : createMinkmsConnector({
          endpoints: info.endpoints,
          ca: info.ca,
          apiKey: info.apiKey,
          enclave: info.enclave,
          requestTimeoutMs,
        });
  return createKMS({ connector, timeoutMs });
}

/**
 * Keeps `concurrency` operations in flight for `seconds`: each worker generates a data key, then
 * decrypts a ciphertext, and so on. Returns counts, latencies and errors by code.
 */
export async function runLoad(kms, { key, concurrency, seconds, onTick }) {
  const { ciphertext } = await kms.generateKey({ name: key });
  const latencies = new Float64Array(4_000_000);
  let count = 0;
  const errors = new Map();
  const deadline = performance.now() + seconds * 1000;
  let tick = 0;
  const ticker = setInterval(() => onTick?.(++tick, count), 1000);
  const worker = async (index) => {
    let step = index;
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        if (step++ % 2 === 0) (await kms.generateKey({ name: key })).zero();
        else await kms.decrypt({ name: key, ciphertext });
        if (count < latencies.length) latencies[count] = performance.now() - started;
        count++;
      } catch (error) {
        const code = KmsError.isInstance(error) ? error.code : `untyped ${error?.name}`;
        errors.set(code, (errors.get(code) ?? 0) + 1);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(ticker);
  const sorted = latencies.subarray(0, Math.min(count, latencies.length)).sort();
  return {
    operations: count,
    seconds: elapsed,
    throughput: count / elapsed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    errors: Object.fromEntries(errors),
    errorCount: [...errors.values()].reduce((sum, n) => sum + n, 0),
  };
}

/** The `p` quantile of sorted numbers. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Memory and sockets of this process; runs the GC first when `node --expose-gc` allows it. */
export function measure() {
  globalThis.gc?.();
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  return {
    rssMiB: round(memory.rss / 2 ** 20),
    heapMiB: round(memory.heapUsed / 2 ** 20),
    tcp: resources.filter((name) => name === 'TCPSocketWrap' || name === 'TLSWrap').length,
    fds: countFds(),
  };
}

function countFds() {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

function round(value) {
  return Math.round(value * 10) / 10;
}

/** Machine facts for the reports. */
export async function machine() {
  const { cpus } = await import('node:os');
  const list = cpus();
  return { node: process.version, cpus: list.length, model: list[0]?.model ?? 'unknown' };
}
