import { createKMS, KeyNotFoundError } from '@kmskit/core';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATTR_KMS_CONNECTOR_TYPE,
  instrumentKms,
  KMS_REQUEST_DURATION_METRIC,
  KMS_REQUESTS_METRIC,
  type KmsInstrumentation,
  MAX_CONNECTOR_TYPES,
} from '../src/index.js';
import { publishCall } from './helpers/events.js';
import { createMeterSetup, pointsOf } from './helpers/otel.js';
import { createTestConnector } from './helpers/test-connector.js';

let instrumentation: KmsInstrumentation | undefined;
afterEach(() => instrumentation?.close());

/** Key names of every shape an application might pass: slashes, spaces, Unicode. */
function keyName(i: number): string {
  switch (i % 4) {
    case 0:
      return `k-${i}`;
    case 1:
      return `tenant/${i}/k-${i}`;
    case 2:
      return `k ${i} with spaces`;
    default:
      return `ключ-${i}-🔑`;
  }
}

describe('attribute cardinality', () => {
  it('stays fixed over 10,000 keys', async () => {
    const { provider, reader } = createMeterSetup();
    const connector = createTestConnector({
      // Every third name fails with a message of its own: a not-found error or a stray Error.
      fail: (name) => {
        const i = Number(/\d+/.exec(name)?.[0]);
        if (i % 3 === 1) return new KeyNotFoundError(name, { message: `no key ${name} (${i})` });
        if (i % 3 === 2) return new Error(`connection to shard ${i} reset for ${name}`);
        return undefined;
      },
    });
    const kms = createKMS({ connector });
    instrumentation = instrumentKms({ kms, meterProvider: provider });

    const run = async () => {
      for (let i = 0; i < 10_000; i++) {
        await kms
          .generateKey({ name: keyName(i), context: { bucket: `bucket/object-${i}` } })
          .catch(() => {});
      }
    };
    await run();
    const first = await reader.collect();
    await run();
    const second = await reader.collect();

    for (const { resourceMetrics } of [first, second]) {
      const requests = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
      const durations = pointsOf<Histogram>(resourceMetrics, KMS_REQUEST_DURATION_METRIC);
      // success, error with kms:KeyNotFound, failure with kms:KeyGenerationFailed.
      expect(requests).toHaveLength(3);
      expect(durations).toHaveLength(3);
      const serialized = JSON.stringify(requests.map((point) => point.attributes));
      expect(serialized).not.toMatch(/k-\d|shard|bucket|ключ|tenant/);
    }
    const total = pointsOf(second.resourceMetrics, KMS_REQUESTS_METRIC).reduce(
      (sum, point) => sum + point.value,
      0,
    );
    expect(total).toBe(20_000);
  });

  it('bounds values outside fixed sets', async () => {
    const { provider, reader } = createMeterSetup();
    instrumentation = instrumentKms({ meterProvider: provider });
    for (let i = 0; i < 500; i++) {
      publishCall({
        operation: `op-${i}` as never,
        outcome: `outcome-${i}` as never,
        errorCode: `kms:Made-Up-${i}`,
        connectorType: `Type With Spaces ${i}`,
      });
    }

    const { resourceMetrics } = await reader.collect();
    const requests = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.value).toBe(500);
    expect(Object.values(requests[0]!.attributes)).toEqual(['other', 'other', 'other', 'other']);
  });

  it('caps distinct connector types', async () => {
    const { provider, reader } = createMeterSetup();
    instrumentation = instrumentKms({ meterProvider: provider });
    for (let i = 0; i < 100; i++) publishCall({ connectorType: `vendor-${i}` });

    const { resourceMetrics } = await reader.collect();
    const types = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC).map(
      (point) => point.attributes[ATTR_KMS_CONNECTOR_TYPE],
    );
    expect(types).toHaveLength(MAX_CONNECTOR_TYPES + 1);
    expect(types).toContain('vendor-0');
    expect(types).toContain(`vendor-${MAX_CONNECTOR_TYPES - 1}`);
    expect(types).not.toContain(`vendor-${MAX_CONNECTOR_TYPES}`);
    expect(types).toContain('other');
  });
});
