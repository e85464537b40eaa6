/** Sums and prints `KMS` metrics: per-operation counts and MinIO's admin API JSON. */

import {
  KMS_OPERATIONS,
  type KmsOperation,
  type MetricsSnapshot,
  type OperationMetrics,
  toMinioMetricsJSON,
} from '@kmskit/core';

/** Adds up snapshots of several clients. Cumulative histograms add bucket by bucket. */
export function sumMetrics(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const operations = {} as Record<KmsOperation, OperationMetrics>;
  for (const operation of KMS_OPERATIONS) {
    operations[operation] = sumOperation(
      snapshots.map((snapshot) => snapshot.operations[operation]),
    );
  }
  return { operations, total: sumOperation(snapshots.map((snapshot) => snapshot.total)) };
}

/** Returns one text line per operation that was called, such as `decrypt: 3 success, 1 error`. */
export function metricsLines(snapshot: MetricsSnapshot): string[] {
  const lines: string[] = [];
  for (const operation of KMS_OPERATIONS) {
    const metrics = snapshot.operations[operation];
    const calls = metrics.success + metrics.error + metrics.failure + metrics.canceled;
    if (calls === 0) continue;
    let line = `${operation}: ${metrics.success} success, ${metrics.error} error, ${metrics.failure} failure`;
    if (metrics.canceled > 0) line += `, ${metrics.canceled} canceled`;
    lines.push(line);
  }
  return lines;
}

/** Returns the metrics as a JSON value: the snapshot plus MinIO's admin API form of the total. */
export function metricsDocument(snapshot: MetricsSnapshot): {
  operations: MetricsSnapshot['operations'];
  total: OperationMetrics;
  minio: unknown;
} {
  return { ...snapshot, minio: JSON.parse(toMinioMetricsJSON(snapshot.total)) };
}

function sumOperation(parts: readonly OperationMetrics[]): OperationMetrics {
  const sum: OperationMetrics = { success: 0, error: 0, failure: 0, canceled: 0, latency: [] };
  for (const part of parts) {
    sum.success += part.success;
    sum.error += part.error;
    sum.failure += part.failure;
    sum.canceled += part.canceled;
    part.latency.forEach((count, index) => {
      sum.latency[index] = (sum.latency[index] ?? 0) + count;
    });
  }
  return sum;
}
