import { setTimeout as sleep } from 'node:timers/promises';
import { createKMS } from '@kmskit/core';
import { type DiagLogger, DiagLogLevel, diag, type MeterProvider } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import {
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  MeterProvider as SdkMeterProvider,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentKms, KMS_REQUESTS_METRIC, type KmsInstrumentation } from '../src/index.js';
import { createMeterSetup, createTracerSetup, pointsOf } from './helpers/otel.js';
import { createTestConnector } from './helpers/test-connector.js';

let instrumentation: KmsInstrumentation | undefined;
afterEach(() => {
  instrumentation?.close();
  diag.disable();
});

/** Routes OpenTelemetry's diag errors into an array. */
function captureDiagErrors(): unknown[][] {
  const errors: unknown[][] = [];
  const noop = () => {};
  const logger: DiagLogger = {
    error: (...args) => errors.push(args),
    warn: noop,
    info: noop,
    debug: noop,
    verbose: noop,
  };
  diag.setLogger(logger, DiagLogLevel.ERROR);
  return errors;
}

describe('telemetry failures', () => {
  it('failing exporter never fails calls', async () => {
    let exports = 0;
    const exporter: PushMetricExporter = {
      export: (_metrics, callback) => {
        exports++;
        if (exports % 2 === 0) throw new Error('exporter crashed');
        callback({ code: ExportResultCode.FAILED, error: new Error('collector unreachable') });
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    };
    const reader = new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: 20,
      exportTimeoutMillis: 10,
    });
    const provider = new SdkMeterProvider({ readers: [reader] });
    captureDiagErrors();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: provider });

    let succeeded = 0;
    const deadline = Date.now() + 250;
    while (Date.now() < deadline) {
      await kms.generateKey();
      succeeded++;
      await sleep(1);
    }
    await provider.shutdown().catch(() => {});

    expect(succeeded).toBeGreaterThan(10);
    expect(exports).toBeGreaterThanOrEqual(2);
  });

  it('failing span exporter never fails calls', async () => {
    const exporter: SpanExporter = {
      export: () => {
        throw new Error('span exporter crashed');
      },
      shutdown: async () => {},
    };
    const tracerProvider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { provider, reader } = createMeterSetup();
    captureDiagErrors();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: provider, tracerProvider });

    for (let i = 0; i < 5; i++) await kms.generateKey();
    await sleep(5);

    const { resourceMetrics } = await reader.collect();
    expect(pointsOf(resourceMetrics, KMS_REQUESTS_METRIC)[0]!.value).toBe(5);
  });

  it('throwing provider is reported once', async () => {
    const errors = captureDiagErrors();
    const broken: MeterProvider = {
      getMeter() {
        throw new Error('meter provider is broken');
      },
    };
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: broken });

    for (let i = 0; i < 3; i++) {
      const key = await kms.generateKey();
      expect(key.plaintext).toHaveLength(32);
    }
    expect(errors).toHaveLength(1);
    expect(String(errors[0]![0])).toContain('@kmskit/metrics-otel');
  });

  it('throwing meter keeps spans', async () => {
    captureDiagErrors();
    const tracer = createTracerSetup();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({
      kms,
      meterProvider: {
        getMeter() {
          throw new Error('meter provider is broken');
        },
      },
      tracerProvider: tracer.provider,
    });

    await kms.generateKey();

    expect(tracer.exporter.getFinishedSpans().map((span) => span.name)).toEqual([
      'kms generateKey',
    ]);
  });

  it('throwing tracer keeps metrics', async () => {
    captureDiagErrors();
    const { provider, reader } = createMeterSetup();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({
      kms,
      meterProvider: provider,
      tracerProvider: {
        getTracer() {
          throw new Error('tracer provider is broken');
        },
      },
    });

    await kms.generateKey();
    await kms.generateKey();

    const { resourceMetrics } = await reader.collect();
    expect(pointsOf(resourceMetrics, KMS_REQUESTS_METRIC)[0]!.value).toBe(2);
  });
});

describe('instrumentKms scope', () => {
  it('filters by kms client', async () => {
    const { provider, reader } = createMeterSetup();
    const watched = createKMS({ connector: createTestConnector({ type: 'watched' }) });
    const other = createKMS({ connector: createTestConnector({ type: 'other-one' }) });
    instrumentation = instrumentKms({ kms: watched, meterProvider: provider });

    await watched.generateKey();
    await other.generateKey();
    await other.generateKey();

    const { resourceMetrics } = await reader.collect();
    const points = pointsOf(resourceMetrics, KMS_REQUESTS_METRIC);
    expect(points).toHaveLength(1);
    expect(points[0]!.value).toBe(1);
    expect(points[0]!.attributes['kmskit.kms.connector.type']).toBe('watched');
  });

  it('records every client by default', async () => {
    const { provider, reader } = createMeterSetup();
    instrumentation = instrumentKms({ meterProvider: provider });
    const first = createKMS({ connector: createTestConnector({ type: 'first' }) });
    const second = createKMS({ connector: createTestConnector({ type: 'second' }) });

    await first.generateKey();
    await second.generateKey();

    const { resourceMetrics } = await reader.collect();
    expect(pointsOf(resourceMetrics, KMS_REQUESTS_METRIC)).toHaveLength(2);
  });

  it('close stops recording', async () => {
    const { provider, reader } = createMeterSetup();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({ kms, meterProvider: provider });
    await kms.generateKey();

    instrumentation.close();
    instrumentation.close();
    await kms.generateKey();

    expect(instrumentation.closed).toBe(true);
    const { resourceMetrics } = await reader.collect();
    expect(pointsOf(resourceMetrics, KMS_REQUESTS_METRIC)[0]!.value).toBe(1);
  });

  it('rejects invalid options', () => {
    expect(() => instrumentKms(null as never)).toThrow(/options must be an object/);
    expect(() => instrumentKms({ kms: {} as never })).toThrow(/option `kms`/);
    expect(() => instrumentKms({ meterProvider: {} as never })).toThrow(/option `meterProvider`/);
    expect(() => instrumentKms({ tracerProvider: {} as never })).toThrow(/option `tracerProvider`/);
    expect(() => instrumentKms({ tracing: 'yes' as never })).toThrow(/option `tracing`/);
  });

  it('skips tracing unless asked', async () => {
    const { provider: meterProvider } = createMeterSetup();
    const tracer = createTracerSetup();
    const kms = createKMS({ connector: createTestConnector() });
    instrumentation = instrumentKms({
      kms,
      meterProvider,
      tracerProvider: tracer.provider,
      tracing: false,
    });

    await kms.generateKey();
    expect(tracer.exporter.getFinishedSpans()).toHaveLength(0);
  });
});
