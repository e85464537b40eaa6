import { createKMS } from '@kmskit/core';
import { type MeterProvider, metrics } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  instrumentKms,
  KMS_REQUEST_DURATION_METRIC,
  KMS_REQUESTS_METRIC,
  type KmsInstrumentation,
} from '../src/index.js';
import { createMeterSetup, pointsOf } from './helpers/otel.js';
import { createTestConnector } from './helpers/test-connector.js';

let instrumentation: KmsInstrumentation | undefined;
afterEach(() => {
  instrumentation?.close();
  metrics.disable();
});

async function totals(
  collect: () => ReturnType<ReturnType<typeof createMeterSetup>['reader']['collect']>,
) {
  const { resourceMetrics } = await collect();
  const requests = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC).reduce((n, p) => n + p.value, 0);
  const samples = pointsOf<Histogram>(resourceMetrics, KMS_REQUEST_DURATION_METRIC).reduce(
    (n, p) => n + p.value.count,
    0,
  );
  return { requests, samples };
}

describe('late SDK registration', () => {
  it('records after global registration', async () => {
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms });
    // This call lands on the API's no-op provider because no SDK is registered yet.
    await kms.generateKey();

    const { provider, reader } = createMeterSetup();
    expect(metrics.setGlobalMeterProvider(provider)).toBe(true);
    for (let i = 0; i < 3; i++) await kms.generateKey();

    expect(await totals(() => reader.collect())).toEqual({ requests: 3, samples: 3 });
  });

  it('follows a replaced global provider', async () => {
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms });
    const first = createMeterSetup();
    metrics.setGlobalMeterProvider(first.provider);
    await kms.generateKey();

    metrics.disable();
    const second = createMeterSetup();
    metrics.setGlobalMeterProvider(second.provider);
    await kms.generateKey();
    await kms.generateKey();

    expect(await totals(() => first.reader.collect())).toEqual({ requests: 1, samples: 1 });
    expect(await totals(() => second.reader.collect())).toEqual({ requests: 2, samples: 2 });
  });

  it('records with an injected provider', async () => {
    const { provider, reader } = createMeterSetup();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: provider });
    for (let i = 0; i < 3; i++) await kms.generateKey();

    expect(await totals(() => reader.collect())).toEqual({ requests: 3, samples: 3 });
  });

  it('creates the meter at first record', async () => {
    const { provider, reader } = createMeterSetup();
    const requested: string[] = [];
    const spy: MeterProvider = {
      getMeter(name, version, options) {
        requested.push(name);
        return provider.getMeter(name, version, options);
      },
    };
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: spy });
    expect(requested).toEqual([]);

    await kms.generateKey();
    await kms.generateKey();
    expect(requested).toEqual(['@kmskit/metrics-otel']);
    expect(await totals(() => reader.collect())).toEqual({ requests: 2, samples: 2 });
  });
});
