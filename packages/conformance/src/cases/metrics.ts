/** The client's metrics count every call by outcome. */

import assert from 'node:assert/strict';
import type { KmsOperation, OperationMetrics } from '@kmskit/core';
import type { ConformanceCase } from '../types.js';

/** Cases of the `kms.metrics` area. */
export const metricsCases: readonly ConformanceCase[] = [
  {
    id: 'kms.metrics.counted',
    title: 'counts calls by outcome',
    async run({ kms, key, uniqueName }) {
      const name = await key();
      const before = kms.metrics();

      const dataKey = await kms.generateKey({ name, context: { a: 'b' } });
      await kms.decrypt({ name, ciphertext: dataKey.ciphertext, context: { a: 'b' } });
      await kms
        .decrypt({ name, ciphertext: dataKey.ciphertext, context: { a: 'c' } })
        .catch(() => {});
      await kms.generateKey({ name: uniqueName('missing') }).catch(() => {});
      await kms.generateKey({ name }, { signal: AbortSignal.abort() }).catch(() => {});

      const after = kms.metrics();
      const change = (operation: KmsOperation, field: keyof Omit<OperationMetrics, 'latency'>) =>
        after.operations[operation][field] - before.operations[operation][field];
      assert.equal(change('generateKey', 'success'), 1, 'generateKey successes');
      assert.equal(change('generateKey', 'error'), 1, 'generateKey errors (unknown key)');
      assert.equal(change('generateKey', 'canceled'), 1, 'generateKey cancellations');
      assert.equal(change('generateKey', 'failure'), 0, 'generateKey failures');
      assert.equal(change('decrypt', 'success'), 1, 'decrypt successes');
      assert.equal(change('decrypt', 'error'), 1, 'decrypt errors (wrong context)');
      assert.equal(change('decrypt', 'failure'), 0, 'decrypt failures');

      for (const operation of ['generateKey', 'decrypt'] as const) {
        const metrics = after.operations[operation];
        const counted = metrics.success + metrics.error + metrics.failure;
        assert.equal(metrics.latency.at(-1), counted, `${operation}: the last bucket counts all`);
        for (let i = 1; i < metrics.latency.length; i++) {
          assert.ok(metrics.latency[i]! >= metrics.latency[i - 1]!, `${operation}: cumulative`);
        }
      }
      const total = after.total;
      const sum = Object.values(after.operations).reduce(
        (count, metrics) => count + metrics.success,
        0,
      );
      assert.equal(total.success, sum, 'the total is the sum of the operations');
    },
  },
];
