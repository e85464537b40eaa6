import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LATENCY_BUCKETS_MS,
  latencyBucket,
  MetricsRecorder,
  toMinioMetricsJSON,
} from '../src/metrics.js';

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/core-vectors.json', import.meta.url), 'utf8'),
);
const vectors = fixtures.vectors.filter((v: { kind: string }) => v.kind === 'kms_metrics');

describe('kms_metrics vectors', () => {
  it('runs every vector', () => {
    expect(vectors.length).toBe(1);
  });

  it('matches buckets and JSON', () => {
    const { inputs, expected } = vectors[0];
    const recorder = new MetricsRecorder();
    const outcomes = [
      ...Array(inputs.req_ok).fill('success'),
      ...Array(inputs.req_err).fill('error'),
      ...Array(inputs.req_fail).fill('failure'),
    ];
    inputs.observed_latencies_ms.forEach((ms: number, i: number) => {
      recorder.record('generateKey', outcomes[i], ms);
    });
    const { total, operations } = recorder.snapshot();
    expect(total.latency).toEqual(expected.cumulative_bucket_counts);
    expect(operations.generateKey.latency).toEqual(expected.cumulative_bucket_counts);
    expect(toMinioMetricsJSON(total)).toBe(expected.json);
  });
});

describe('MetricsRecorder', () => {
  it('places bounds in the next bucket', () => {
    expect(latencyBucket(9.999)).toBe(0);
    expect(latencyBucket(10)).toBe(1);
    expect(latencyBucket(10_000)).toBe(LATENCY_BUCKETS_MS.length - 1);
    expect(latencyBucket(1e9)).toBe(LATENCY_BUCKETS_MS.length - 1);
  });

  it('keeps operations apart', () => {
    const recorder = new MetricsRecorder();
    recorder.record('decrypt', 'error', 1);
    recorder.record('mac', 'success', 1);
    recorder.record('mac', 'canceled', 1);
    const { operations, total } = recorder.snapshot();
    expect(operations.decrypt.error).toBe(1);
    expect(operations.mac.success).toBe(1);
    expect(operations.mac.canceled).toBe(1);
    expect(operations.listKeys.success).toBe(0);
    expect(total.latency.at(-1)).toBe(2);
  });

  it('returns copies', () => {
    const recorder = new MetricsRecorder();
    const before = recorder.snapshot();
    before.total.latency[0] = 99;
    recorder.record('mac', 'success', 1);
    expect(recorder.snapshot().total.latency[0]).toBe(1);
  });
});
