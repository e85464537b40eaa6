/**
 * KMS metrics as MinIO keeps them: success, error and failure counters and a cumulative latency
 * histogram, here kept per operation.
 */

import type { KmsOperation } from './errors.js';

/**
 * Upper bounds of MinIO's latency buckets in milliseconds. A sample goes to the first bucket whose
 * bound it is below; 10 s and more go to the last bucket.
 */
export const LATENCY_BUCKETS_MS = [10, 50, 100, 250, 500, 1000, 1500, 3000, 5000, 10000] as const;

/** Every operation the client measures. */
export const KMS_OPERATIONS: readonly KmsOperation[] = [
  'createKey',
  'deleteKey',
  'listKeys',
  'generateKey',
  'decrypt',
  'mac',
  'version',
  'status',
];

/** How a call ended: `canceled` is a caller's abort and counts neither as error nor as failure. */
export type CallOutcome = 'success' | 'error' | 'failure' | 'canceled';

/** Counters and histogram of one operation, or of all operations together. */
export interface OperationMetrics {
  /** Calls that succeeded (MinIO `kms_req_success`). */
  success: number;
  /** Calls that failed with a `KmsError` below 500, such as a missing key (`kms_req_error`). */
  error: number;
  /** Calls that failed with a status of 500 or more, or with an unexpected error (`kms_req_failure`). */
  failure: number;
  /** Calls canceled by the caller. Not part of MinIO's metrics. */
  canceled: number;
  /** Cumulative counts per bucket of `LATENCY_BUCKETS_MS` (MinIO `kms_resp_time`). */
  latency: number[];
}

/** A copy of the client's metrics at one moment. */
export interface MetricsSnapshot {
  /** Metrics of each operation. */
  operations: Record<KmsOperation, OperationMetrics>;
  /** All operations together. */
  total: OperationMetrics;
}

/** Returns the index of the bucket a latency belongs to, by MinIO's rule. */
export function latencyBucket(milliseconds: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) {
    if (milliseconds < LATENCY_BUCKETS_MS[i]!) return i;
  }
  return LATENCY_BUCKETS_MS.length - 1;
}

/** Accumulates metrics; the `KMS` client owns one. */
export class MetricsRecorder {
  readonly #operations = new Map<KmsOperation, OperationMetrics>();
  readonly #total = emptyMetrics();

  /** Records one call. Canceled calls change no histogram. */
  record(operation: KmsOperation, outcome: CallOutcome, milliseconds: number): void {
    let metrics = this.#operations.get(operation);
    if (!metrics) {
      metrics = emptyMetrics();
      this.#operations.set(operation, metrics);
    }
    for (const target of [metrics, this.#total]) {
      target[outcome]++;
      if (outcome === 'canceled') continue;
      for (let i = latencyBucket(milliseconds); i < target.latency.length; i++)
        target.latency[i]!++;
    }
  }

  snapshot(): MetricsSnapshot {
    const operations = {} as Record<KmsOperation, OperationMetrics>;
    for (const operation of KMS_OPERATIONS) {
      operations[operation] = copyMetrics(this.#operations.get(operation) ?? emptyMetrics());
    }
    return { operations, total: copyMetrics(this.#total) };
  }
}

/**
 * Formats metrics as MinIO's admin API does: `kms_req_success`, `kms_req_error`,
 * `kms_req_failure` and `kms_resp_time`, whose keys are bucket bounds in nanoseconds sorted as
 * strings.
 */
export function toMinioMetricsJSON(metrics: Omit<OperationMetrics, 'canceled'>): string {
  const buckets = LATENCY_BUCKETS_MS.map(
    (bound, index) => [String(bound * 1_000_000), metrics.latency[index] ?? 0] as const,
  )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([bound, count]) => `"${bound}":${count}`)
    .join(',');
  return `{"kms_req_success":${metrics.success},"kms_req_error":${metrics.error},"kms_req_failure":${metrics.failure},"kms_resp_time":{${buckets}}}`;
}

function emptyMetrics(): OperationMetrics {
  return {
    success: 0,
    error: 0,
    failure: 0,
    canceled: 0,
    latency: LATENCY_BUCKETS_MS.map(() => 0),
  };
}

function copyMetrics(metrics: OperationMetrics): OperationMetrics {
  return { ...metrics, latency: [...metrics.latency] };
}
