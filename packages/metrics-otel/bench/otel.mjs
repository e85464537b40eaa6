// Cost of @kmskit/metrics-otel per builtin KMS call. One KMS client is timed in alternating short
// batches: without instrumentation, with metrics, and with metrics and tracing, all in one process.
// Each round's throughput ratio is taken against the plain batch of the same round. A second table
// times the recording alone, on synthetic events published straight to the channel.
// Run: npm run bench (in packages/metrics-otel, after a build). BENCH_ROUNDS and BENCH_BATCH
// override the defaults.

import { randomBytes } from 'node:crypto';
import diagnosticsChannel from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS, KMS_CALL_CHANNEL } from '@kmskit/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentKms } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 61);
const BATCH = Number(process.env.BENCH_BATCH ?? 2_000);
/** Calls between yields to the event loop, so the periodic reader and the span batcher run. */
const YIELD_EVERY = 500;
const SYNTHETIC_EVENTS = 200_000;

/** A span exporter that drops every span: the benchmark measures making spans, not storing them. */
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
  plain: () => ({ close() {} }),
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

async function benchOperation(call) {
  // Warm up every path, so no timed batch pays for compilation.
  for (const attach of Object.values(variants)) {
    const handle = attach();
    await timeBatch(call);
    handle.close();
  }

  const micros = { plain: [], metrics: [], 'metrics+tracing': [] };
  const ratios = { metrics: [], 'metrics+tracing': [] };
  const order = Object.entries(variants);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order, so no variant always runs right after the same one.
    order.push(order.shift());
    const timings = {};
    for (const [name, attach] of order) {
      const handle = attach();
      timings[name] = await timeBatch(call);
      handle.close();
      micros[name].push(timings[name]);
    }
    for (const name of Object.keys(ratios)) ratios[name].push(timings.plain / timings[name]);
  }
  return {
    plain: median(micros.plain),
    metrics: median(micros.metrics),
    metricsRatio: median(ratios.metrics),
    tracing: median(micros['metrics+tracing']),
    tracingRatio: median(ratios['metrics+tracing']),
  };
}

/** Returns nanoseconds per synthetic event with `attach`'s instrumentation subscribed. */
function timeSynthetic(attach) {
  const channel = diagnosticsChannel.channel(KMS_CALL_CHANNEL);
  const event = {
    clientId: kms.id,
    operation: 'generateKey',
    connectorType: 'builtin',
    outcome: 'success',
    startTime: Date.now(),
    durationMs: 0.02,
    attempts: [],
  };
  const handle = attach();
  for (let i = 0; i < SYNTHETIC_EVENTS / 10; i++) channel.publish(event);
  const start = process.hrtime.bigint();
  for (let i = 0; i < SYNTHETIC_EVENTS; i++) channel.publish(event);
  const nanos = Number(process.hrtime.bigint() - start) / SYNTHETIC_EVENTS;
  handle.close();
  return nanos;
}

/**
 * Returns nanoseconds per `Histogram.record` of the SDK itself, with the same three attributes as
 * a successful call: the floor of what recording a duration can cost.
 */
function timeHistogramRecord() {
  const histogram = meterProvider.getMeter('bench').createHistogram('bench.duration');
  const attributes = Object.freeze({
    'kmskit.kms.operation': 'generateKey',
    'kmskit.kms.connector.type': 'builtin',
    'kmskit.kms.outcome': 'success',
  });
  for (let i = 0; i < SYNTHETIC_EVENTS / 10; i++) histogram.record(0.00002, attributes);
  const start = process.hrtime.bigint();
  for (let i = 0; i < SYNTHETIC_EVENTS; i++) histogram.record(0.00002, attributes);
  return Number(process.hrtime.bigint() - start) / SYNTHETIC_EVENTS;
}

const rows = [];
for (const [operation, call] of Object.entries(operations)) {
  rows.push({ operation, ...(await benchOperation(call)) });
}
const synthetic = Object.fromEntries(
  Object.entries(variants).map(([name, attach]) => [
    name,
    median([1, 2, 3, 4, 5].map(() => timeSynthetic(attach))),
  ]),
);
const histogramRecord = median([1, 2, 3, 4, 5].map(() => timeHistogramRecord()));

await meterProvider.shutdown();
await tracerProvider.shutdown();

const cpu =
  readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? os.cpus()[0]?.model;
console.log(`node ${process.version}, nproc ${os.availableParallelism()}, ${cpu}`);
console.log(
  `${ROUNDS} rounds of ${BATCH} calls per variant; ratio = instrumented calls/s divided by plain calls/s in the same round, median over the rounds; ${metricExporter.getMetrics().length} periodic metric exports ran\n`,
);
console.log(
  '| operation | plain µs/call | metrics µs/call | metrics ratio | metrics+tracing µs/call | metrics+tracing ratio |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) {
  console.log(
    `| ${row.operation} | ${row.plain.toFixed(2)} | ${row.metrics.toFixed(2)} | ${row.metricsRatio.toFixed(3)} | ${row.tracing.toFixed(2)} | ${row.tracingRatio.toFixed(3)} |`,
  );
}
console.log('\n| recording one synthetic event | ns/event |');
console.log('| --- | ---: |');
for (const [name, nanos] of Object.entries(synthetic)) {
  console.log(`| ${name === 'plain' ? 'no subscriber' : name} | ${nanos.toFixed(0)} |`);
}
console.log(`| SDK \`Histogram.record\` alone, same attributes | ${histogramRecord.toFixed(0)} |`);
