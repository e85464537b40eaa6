#!/usr/bin/env node
// Soak test: keeps --concurrency operations (default 10000) in flight through the KES and the
// MinKMS connector against their test servers on 127.0.0.1 (each server in its own process) for
// --seconds each (default 30). Reports throughput, p50/p99 latency, errors, memory (RSS and heap
// after GC at start, middle and end) and open sockets, and exits 1 when errors pass 0.1 %, when
// memory or sockets grow in the second half of the run, or when sockets stay open 15 s after close.
// --max-connections caps the KES connector's connections per endpoint (0: no cap, its default);
// the MinKMS connector has no such option and opens one connection per operation in flight.
//
//   node --expose-gc scripts/soak.mjs [--seconds 30] [--concurrency 10000] [--connector kes,minkms]
//                                     [--max-connections 256] [--json FILE]

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createClient, machine, measure, runLoad, startServerProcess } from './load-lib.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '10000' },
    connector: { type: 'string', default: 'kes,minkms' },
    'max-connections': { type: 'string', default: '256' },
    json: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
if (!(seconds > 0) || !Number.isInteger(concurrency) || concurrency < 1) {
  throw new RangeError('--seconds must be positive and --concurrency a positive integer');
}
if (!globalThis.gc) console.log('note: run with node --expose-gc for heap figures after GC');

const results = [];
for (const kind of values.connector.split(',')) {
  const server = await startServerProcess(kind);
  const kms = createClient(server.info, { maxConnections: Number(values['max-connections']) });
  await kms.generateKey({ name: server.info.key });
  const start = measure();
  let middle;
  const samples = [];
  console.log(`${kind}: ${concurrency} operations in flight for ${seconds} s`);
  const load = await runLoad(kms, {
    key: server.info.key,
    concurrency,
    seconds,
    onTick(tick, count) {
      if (tick === Math.round(seconds / 2)) middle = measure();
      const sample = { tick, count, ...(tick === Math.round(seconds / 2) ? middle : measure0()) };
      samples.push(sample);
      if (tick % 5 === 0)
        console.log(
          `  ${tick} s: ${count} operations, RSS ${sample.rssMiB} MiB, ${sample.tcp} TCP`,
        );
    },
  });
  const end = measure();
  await kms.close();
  // Connections still in their TCP or TLS handshake close when it ends; allow 15 s for that.
  const closing = performance.now();
  let closed = measure();
  while (closed.tcp > start.tcp + 5 && performance.now() - closing < 15_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    closed = measure();
  }
  closed.drainSeconds = Math.round((performance.now() - closing) / 100) / 10;
  await server.close();
  middle ??= end;

  const problems = [];
  if (load.errorCount > load.operations * 0.001) problems.push(`${load.errorCount} errors`);
  if (Object.keys(load.errors).some((code) => code.startsWith('untyped')))
    problems.push('untyped errors');
  if (end.heapMiB > middle.heapMiB * 1.5 + 64)
    problems.push(`heap grew from ${middle.heapMiB} to ${end.heapMiB} MiB`);
  if (end.rssMiB > middle.rssMiB * 1.5 + 128)
    problems.push(`RSS grew from ${middle.rssMiB} to ${end.rssMiB} MiB`);
  if (end.tcp > middle.tcp * 1.1 + 50)
    problems.push(`TCP sockets grew from ${middle.tcp} to ${end.tcp}`);
  if (end.tcp > concurrency * 1.1 + 50)
    problems.push(`${end.tcp} TCP sockets for ${concurrency} operations`);
  if (closed.tcp > start.tcp + 5)
    problems.push(`${closed.tcp - start.tcp} TCP sockets still open after close`);
  results.push({ kind, load, start, middle, end, closed, samples, problems });
  console.log(
    `  ${kind}: ${Math.round(load.throughput)} op/s, p50 ${load.p50.toFixed(1)} ms, p99 ${load.p99.toFixed(1)} ms, ${load.errorCount} errors${problems.length ? `; FAILED: ${problems.join('; ')}` : ''}`,
  );
}

/** A sample without forcing GC, for the per-second trace. */
function measure0() {
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  return {
    rssMiB: Math.round(memory.rss / 2 ** 20),
    heapMiB: Math.round(memory.heapUsed / 2 ** 20),
    tcp: resources.filter((name) => name === 'TCPSocketWrap' || name === 'TLSWrap').length,
  };
}

const facts = await machine();
const lines = [
  `| connector | concurrency | seconds | operations | op/s | p50 ms | p99 ms | errors | RSS MiB start / middle / end / closed | heap MiB (after GC) start / middle / end / closed | TCP sockets start / middle / end / closed (s to close) | result |`,
  `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |`,
];
for (const { kind, load, start, middle, end, closed, problems } of results) {
  const errors =
    load.errorCount === 0
      ? '0'
      : `${load.errorCount} (${Object.entries(load.errors)
          .map(([code, n]) => `${code} ${n}`)
          .join(', ')})`;
  lines.push(
    `| ${kind} | ${concurrency} | ${load.seconds.toFixed(1)} | ${load.operations} | ${Math.round(load.throughput)} | ${load.p50.toFixed(1)} | ${load.p99.toFixed(1)} | ${errors} | ${start.rssMiB} / ${middle.rssMiB} / ${end.rssMiB} / ${closed.rssMiB} | ${start.heapMiB} / ${middle.heapMiB} / ${end.heapMiB} / ${closed.heapMiB} | ${start.tcp} / ${middle.tcp} / ${end.tcp} / ${closed.tcp} (${closed.drainSeconds}) | ${problems.length ? problems.join('; ') : 'pass'} |`,
  );
}
lines.push(
  '',
  `node ${facts.node}, ${facts.cpus} CPUs (${facts.model}), ${new Date().toISOString().slice(0, 10)}`,
);
console.log(`\n${lines.join('\n')}`);
if (values.json)
  writeFileSync(values.json, `${JSON.stringify({ concurrency, seconds, results }, null, 2)}\n`);
process.exit(results.some((result) => result.problems.length > 0) ? 1 : 0);
