import { CanceledError, createKMS, KeyNotFoundError, latencyBucket } from '@kmskit/core';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATTR_KMS_CONNECTOR_TYPE,
  ATTR_KMS_ERROR_CODE,
  ATTR_KMS_OPERATION,
  ATTR_KMS_OUTCOME,
  instrumentKms,
  KMS_DURATION_BUCKETS_SECONDS,
  KMS_REQUEST_DURATION_METRIC,
  KMS_REQUESTS_METRIC,
  type KmsInstrumentation,
} from '../src/index.js';
import vectors from './fixtures/kms-metrics.json' with { type: 'json' };
import { publishCall } from './helpers/events.js';
import {
  AggregationTemporality,
  createMeterSetup,
  MeterProvider,
  pointsOf,
  TestReader,
} from './helpers/otel.js';
import { createTestConnector } from './helpers/test-connector.js';

let instrumentation: KmsInstrumentation | undefined;
afterEach(() => instrumentation?.close());

/** Sums the counter's data points whose attributes match `outcome`. */
function countOf(
  points: { attributes: Record<string, unknown>; value: number }[],
  outcome: string,
) {
  return points
    .filter((point) => point.attributes[ATTR_KMS_OUTCOME] === outcome)
    .reduce((sum, point) => sum + point.value, 0);
}

describe('requests counter', () => {
  it('counts real calls by outcome', async () => {
    const { provider, reader } = createMeterSetup();
    const connector = createTestConnector({
      fail: (name) => {
        if (name === 'missing') return new KeyNotFoundError(name);
        if (name === 'broken') return new Error('socket hang up');
        return undefined;
      },
    });
    const kms = createKMS({ connector });
    instrumentation = instrumentKms({ kms, meterProvider: provider });

    for (let i = 0; i < 3; i++) await kms.generateKey();
    await expect(kms.generateKey({ name: 'missing' })).rejects.toThrow(KeyNotFoundError);
    await expect(kms.generateKey({ name: 'broken' })).rejects.toMatchObject({
      code: 'kms:KeyGenerationFailed',
    });
    await kms.mac({ message: new Uint8Array(4) });

    const { resourceMetrics } = await reader.collect();
    const points = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
    expect(countOf(points, 'success')).toBe(4);
    expect(countOf(points, 'error')).toBe(1);
    expect(countOf(points, 'failure')).toBe(1);
    expect(points.map((point) => point.attributes)).toContainEqual({
      [ATTR_KMS_OPERATION]: 'generateKey',
      [ATTR_KMS_CONNECTOR_TYPE]: 'test',
      [ATTR_KMS_OUTCOME]: 'error',
      [ATTR_KMS_ERROR_CODE]: 'kms:KeyNotFound',
    });
    expect(points.map((point) => point.attributes)).toContainEqual({
      [ATTR_KMS_OPERATION]: 'mac',
      [ATTR_KMS_CONNECTOR_TYPE]: 'test',
      [ATTR_KMS_OUTCOME]: 'success',
    });
  });

  it('counts cancellation without duration', async () => {
    const { provider, reader } = createMeterSetup();
    const kms = createKMS({ connector: createTestConnector({ delayMs: 1_000 }) });
    instrumentation = instrumentKms({ kms, meterProvider: provider });

    const controller = new AbortController();
    const call = kms.generateKey({}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(call).rejects.toThrow(CanceledError);

    const { resourceMetrics } = await reader.collect();
    const points = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
    expect(points).toHaveLength(1);
    expect(points[0]!.value).toBe(1);
    expect(points[0]!.attributes[ATTR_KMS_OUTCOME]).toBe('canceled');
    expect(points[0]!.attributes[ATTR_KMS_ERROR_CODE]).toBe('kms:Canceled');
    expect(pointsOf(resourceMetrics, KMS_REQUEST_DURATION_METRIC)).toHaveLength(0);
  });

  it('counts option errors as other', async () => {
    const { provider, reader } = createMeterSetup();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: provider });

    await expect(kms.mac({ message: 'text' as unknown as Uint8Array })).rejects.toThrow(TypeError);

    const { resourceMetrics } = await reader.collect();
    const points = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
    expect(points).toHaveLength(1);
    expect(points[0]!.attributes[ATTR_KMS_OUTCOME]).toBe('error');
    expect(points[0]!.attributes[ATTR_KMS_ERROR_CODE]).toBe('other');
  });
});

describe('shared provider', () => {
  it('sums two instrumentations', async () => {
    const { provider, reader } = createMeterSetup();
    const first = createKMS({ connector: createTestConnector() });
    const second = createKMS({ connector: createTestConnector() });
    const handles = [
      instrumentKms({ kms: first, meterProvider: provider }),
      instrumentKms({ kms: second, meterProvider: provider }),
    ];

    for (let i = 0; i < 3; i++) await first.generateKey();
    for (let i = 0; i < 2; i++) await second.generateKey();
    for (const handle of handles) handle.close();

    const { resourceMetrics } = await reader.collect();
    const points = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
    expect(points).toHaveLength(1);
    expect(points[0]!.value).toBe(5);
    const [durations] = pointsOf<Histogram>(resourceMetrics, KMS_REQUEST_DURATION_METRIC);
    expect(durations!.value.count).toBe(5);
  });

  it('reports deltas to delta readers', async () => {
    const reader = new TestReader({
      aggregationTemporalitySelector: () => AggregationTemporality.DELTA,
    });
    const provider = new MeterProvider({ readers: [reader] });
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: provider });

    for (let i = 0; i < 4; i++) await kms.generateKey();
    const first = await reader.collect();
    await kms.generateKey();
    const second = await reader.collect();

    expect(pointsOf(first.resourceMetrics, KMS_REQUESTS_METRIC)[0]!.value).toBe(4);
    expect(pointsOf(second.resourceMetrics, KMS_REQUESTS_METRIC)[0]!.value).toBe(1);
  });
});

describe('duration histogram', () => {
  it('uses MinIO bounds in seconds', async () => {
    const { provider, reader } = createMeterSetup();
    instrumentation = instrumentKms({ meterProvider: provider });
    publishCall({ durationMs: 1 });

    const { resourceMetrics } = await reader.collect();
    const metric = resourceMetrics.scopeMetrics[0]!.metrics.find(
      (candidate) => candidate.descriptor.name === KMS_REQUEST_DURATION_METRIC,
    );
    expect(metric?.descriptor.unit).toBe('s');
    const value = metric!.dataPoints[0]!.value as Histogram;
    expect(value.buckets.boundaries).toEqual([0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 3, 5, 10]);
    expect(KMS_DURATION_BUCKETS_SECONDS).toEqual(value.buckets.boundaries);
  });

  it('places waited calls in buckets', async () => {
    const { provider, reader } = createMeterSetup();
    const fast = createKMS({ connector: createTestConnector({ delayMs: 110 }) });
    const slow = createKMS({ connector: createTestConnector({ delayMs: 550 }) });
    instrumentation = instrumentKms({ meterProvider: provider });

    await Promise.all([fast.generateKey(), fast.generateKey(), slow.generateKey()]);

    const { resourceMetrics } = await reader.collect();
    const [point] = pointsOf<Histogram>(resourceMetrics, KMS_REQUEST_DURATION_METRIC);
    // 110 ms falls in (0.1 s, 0.25 s] and 550 ms in (0.5 s, 1 s], with room for a slow host.
    expect(point!.value.buckets.counts).toEqual([0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 0]);
    expect(point!.value.count).toBe(3);
    expect(point!.value.min).toBeGreaterThanOrEqual(0.109);
    expect(point!.value.max).toBeLessThan(1);
  });

  it('includes bounds, unlike MinIO', async () => {
    const { provider, reader } = createMeterSetup();
    instrumentation = instrumentKms({ meterProvider: provider });
    const boundsMs = [10, 50, 100, 250, 500, 1000, 1500, 3000, 5000, 10000];
    for (const durationMs of boundsMs) publishCall({ durationMs });
    publishCall({ durationMs: 10.000001 });
    publishCall({ durationMs: 10_000.5 });

    const { resourceMetrics } = await reader.collect();
    const [point] = pointsOf<Histogram>(resourceMetrics, KMS_REQUEST_DURATION_METRIC);
    // Each bound lands in its own bucket; just above 10 ms goes to the next; above 10 s to +Inf.
    expect(point!.value.buckets.counts).toEqual([1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // MinIO puts a sample in the first bucket whose bound it is below: 10 ms goes to 50 ms.
    expect(latencyBucket(10)).toBe(1);
  });

  it('matches the MinIO metrics vector', async () => {
    let count = 0;
    for (const vector of vectors.vectors) {
      const { provider, reader } = createMeterSetup();
      const handle = instrumentKms({ meterProvider: provider });
      const { observed_latencies_ms: latencies, req_ok, req_err, req_fail } = vector.inputs;
      const outcomes = [
        ...Array<'success'>(req_ok).fill('success'),
        ...Array<'error'>(req_err).fill('error'),
        ...Array<'failure'>(req_fail).fill('failure'),
      ];
      expect(outcomes).toHaveLength(latencies.length);
      latencies.forEach((durationMs, index) => {
        const outcome = outcomes[index]!;
        const errorCode = outcome === 'success' ? undefined : 'kms:KeyNotFound';
        publishCall({ durationMs, outcome, errorCode });
      });
      handle.close();

      const { resourceMetrics } = await reader.collect();
      const counters = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
      expect(countOf(counters, 'success')).toBe(req_ok);
      expect(countOf(counters, 'error')).toBe(req_err);
      expect(countOf(counters, 'failure')).toBe(req_fail);

      const cumulative = otelCumulative(
        pointsOf<Histogram>(resourceMetrics, KMS_REQUEST_DURATION_METRIC),
      );
      const minio = vector.expected.cumulative_bucket_counts;
      // The first bound differs because 10 ms is inside OpenTelemetry's first bucket but not
      // MinIO's, and the 10 s bound differs because MinIO folds 12 s into its last bucket where
      // OpenTelemetry keeps it for +Inf.
      expect(cumulative.slice(0, 10)).toEqual([3, 3, 3, 4, 4, 4, 4, 4, 4, 4]);
      expect(cumulative[10]).toBe(latencies.length);
      expect(minio).toEqual([2, 3, 3, 4, 4, 4, 4, 4, 4, 5]);
      count++;
    }
    expect(count).toBe(1);
  });
});

/** Adds the histogram points' bucket counts and returns them cumulated, +Inf last. */
function otelCumulative(points: { value: Histogram }[]): number[] {
  const totals = Array<number>(11).fill(0);
  for (const point of points) {
    point.value.buckets.counts.forEach((n, index) => {
      totals[index]! += n;
    });
  }
  let running = 0;
  return totals.map((n) => {
    running += n;
    return running;
  });
}
