// Cost of @kmskit/metrics-otel per builtin KMS call: the same KMS client is timed without
// instrumentation, with metrics, and with metrics and tracing, in alternating batches of one run.
// Run: npm run bench (from packages/metrics-otel), after a build.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS, subscribeKmsCalls } from '@kmskit/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentKms } from '../dist/index.js';

const BATCH = Number(process.env.BENCH_BATCH ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 61);
/** Calls between yields to the event loop, so the periodic reader and the batch processor run. */
const YIELD_EVERY = 500;

/** A span exporter that drops every span, so the benchmark measures span creation, not storage. */
const discardSpans = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
  forceFlush: async () => {},
};

const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const meterProvider = new MeterProvider({
  readers: [
    new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 1_000 }),
  ],
});
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new BatchSpanProcessor(discardSpans, { scheduledDelayMillis: 1_000 })],
});

const kms = createKMS({
  connector: createBuiltinConnector({ keyName: 'bench-key', key: randomBytes(32) }),
});
const context = { bucket: 'bucket/object' };
const sealed = await kms.generateKey({ context });

const operations = {
  generateKey: () => kms.generateKey({ context }),
  decrypt: () => kms.decrypt({ name: 'bench-key', ciphertext: sealed.ciphertext, context }),
};

const variants = {
  baseline: () => ({ close() {} }),
  empty: () => {
    const u = subscribeKmsCalls(() => {});
    return { close: u };
  },
  metrics: () => instrumentKms({ kms, meterProvider }),
  'metrics+tracing': () => instrumentKms({ kms, meterProvider, tracerProvider }),
};

/** Returns microseconds per call over one batch. */
async function timeBatch(call) {
  const start = process.hrtime.bigint();
  for (let i = 1; i <= BATCH; i++) {
    await call();
    if (i % YIELD_EVERY === 0) await new Promise(setImmediate);
  }
  return Number(process.hrtime.bigint() - start) / 1_000 / BATCH;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const rows = [];
for (const [operation, call] of Object.entries(operations)) {
  // Warm up every path, so the first timed batch does not pay for compilation.
  for (const attach of Object.values(variants)) {
    const handle = attach();
    await timeBatch(call);
    handle.close();
  }

  const micros = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  const ratios = { empty: [], metrics: [], 'metrics+tracing': [] };
  for (let round = 0; round < ROUNDS; round++) {
    const timings = {};
    // Rotate the order, so no variant always runs right after the same one.
    const order = Object.entries(variants);
    for (let i = 0; i < round % order.length; i++) order.push(order.shift());
    for (const [name, attach] of order) {
      const handle = attach();
      timings[name] = await timeBatch(call);
      handle.close();
      micros[name].push(timings[name]);
    }
    // Throughput ratio within one round: the instrumented client's calls per second over the
    // plain client's.
    for (const name of Object.keys(ratios)) ratios[name].push(timings.baseline / timings[name]);
  }
  rows.push({
    operation,
    baseline: median(micros.baseline),
    metrics: median(micros.metrics),
    metricsRatio: median(ratios.metrics),
    tracing: median(micros['metrics+tracing']),
    tracingRatio: median(ratios['metrics+tracing']),
  });
}

await meterProvider.shutdown();
await tracerProvider.shutdown();
const exports = metricExporter.getMetrics().length;

const cpu =
  readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
console.log(`node ${process.version}, nproc ${os.availableParallelism()}, ${cpu}`);
console.log(
  `${ROUNDS} rounds of ${BATCH} calls per variant; ratios are medians of per-round throughput ratios; ${exports} metric exports ran.\n`,
);
console.log(
  '| operation | plain µs/call | metrics µs/call | metrics ratio | metrics+tracing µs/call | metrics+tracing ratio |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(
    `| ${row.operation} | ${row.baseline.toFixed(2)} | ${row.metrics.toFixed(2)} | ${row.metricsRatio.toFixed(3)} | ${row.tracing.toFixed(2)} | ${row.tracingRatio.toFixed(3)} |`,
  );
}
