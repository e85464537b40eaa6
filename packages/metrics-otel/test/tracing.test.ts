import { createKMS, KeyNotFoundError, type KmsCallEvent, subscribeKmsCalls } from '@kmskit/core';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_KMS_ATTEMPT_DURATION,
  ATTR_KMS_CONNECTOR_TYPE,
  ATTR_KMS_ENDPOINT,
  ATTR_KMS_ERROR_CODE,
  ATTR_KMS_OPERATION,
  ATTR_KMS_OUTCOME,
  instrumentKms,
  KMS_ATTEMPT_EVENT,
  type KmsInstrumentation,
} from '../src/index.js';
import { createMeterSetup, createTracerSetup } from './helpers/otel.js';
import { createTestConnector } from './helpers/test-connector.js';

let instrumentation: KmsInstrumentation | undefined;
afterEach(() => {
  instrumentation?.close();
  context.disable();
});

/** Returns the next event published on the channel while `run` executes. */
async function captureEvent(run: () => Promise<unknown>): Promise<KmsCallEvent> {
  let captured: KmsCallEvent | undefined;
  const unsubscribe = subscribeKmsCalls((event) => {
    captured ??= event;
  });
  try {
    await run().catch(() => {});
  } finally {
    unsubscribe();
  }
  return captured!;
}

describe('KMS call spans', () => {
  it('writes one client span', async () => {
    const { provider: meterProvider } = createMeterSetup();
    const tracer = createTracerSetup();
    const kms = createKMS({ connector: createTestConnector({ delayMs: 20 }) });
    instrumentation = instrumentKms({ kms, meterProvider, tracerProvider: tracer.provider });

    const event = await captureEvent(() => kms.generateKey());

    const spans = tracer.exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.name).toBe('kms generateKey');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      [ATTR_KMS_OPERATION]: 'generateKey',
      [ATTR_KMS_CONNECTOR_TYPE]: 'test',
      [ATTR_KMS_OUTCOME]: 'success',
    });
    expect(hrTimeToMilliseconds(span.startTime)).toBeCloseTo(event.startTime, 3);
    expect(hrTimeToMilliseconds(span.endTime)).toBeCloseTo(event.startTime + event.durationMs, 3);
    expect(hrTimeToMilliseconds(span.duration)).toBeGreaterThanOrEqual(19);
  });

  it('marks errors with the code', async () => {
    const tracer = createTracerSetup();
    const kms = createKMS({
      connector: createTestConnector({ fail: (name) => new KeyNotFoundError(name) }),
    });
    instrumentation = instrumentKms({
      kms,
      meterProvider: createMeterSetup().provider,
      tracerProvider: tracer.provider,
    });

    await expect(kms.generateKey({ name: 'secret-name' })).rejects.toThrow(KeyNotFoundError);

    const [span] = tracer.exporter.getFinishedSpans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'kms:KeyNotFound' });
    expect(span!.attributes[ATTR_KMS_ERROR_CODE]).toBe('kms:KeyNotFound');
    expect(span!.attributes[ATTR_KMS_OUTCOME]).toBe('error');
    expect(JSON.stringify(span!.attributes)).not.toContain('secret-name');
    expect(span!.events).toHaveLength(0);
  });

  it('leaves canceled spans unset', async () => {
    const tracer = createTracerSetup();
    const kms = createKMS({ connector: createTestConnector({ delayMs: 1_000 }) });
    instrumentation = instrumentKms({
      kms,
      meterProvider: createMeterSetup().provider,
      tracerProvider: tracer.provider,
    });

    await expect(kms.generateKey({}, { signal: AbortSignal.timeout(5) })).rejects.toMatchObject({
      code: 'kms:Canceled',
    });

    const [span] = tracer.exporter.getFinishedSpans();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.attributes[ATTR_KMS_OUTCOME]).toBe('canceled');
  });

  it('adds endpoint attempts as events', async () => {
    const tracer = createTracerSetup();
    const connector = createTestConnector({
      delayMs: 20,
      attempts: [
        {
          endpoint: 'https://operator:hunter2@127.0.0.1:7373/v1/key?token=abc',
          outcome: 'failure',
          errorCode: 'kms:Timeout',
          durationMs: 5,
        },
        { endpoint: 'https://127.0.0.1:7374', outcome: 'success', status: 200, durationMs: 2.5 },
        { endpoint: 'not a url', outcome: 'weird' as never, status: 9999, durationMs: -1 },
      ],
    });
    const kms = createKMS({ connector });
    instrumentation = instrumentKms({
      kms,
      meterProvider: createMeterSetup().provider,
      tracerProvider: tracer.provider,
    });

    const event = await captureEvent(() => kms.generateKey());

    const [span] = tracer.exporter.getFinishedSpans();
    expect(span!.events.map((e) => e.name)).toEqual([
      KMS_ATTEMPT_EVENT,
      KMS_ATTEMPT_EVENT,
      KMS_ATTEMPT_EVENT,
    ]);
    expect(span!.events.map((e) => e.attributes)).toEqual([
      {
        [ATTR_KMS_ENDPOINT]: 'https://127.0.0.1:7373',
        [ATTR_KMS_OUTCOME]: 'failure',
        [ATTR_KMS_ATTEMPT_DURATION]: 0.005,
        [ATTR_KMS_ERROR_CODE]: 'kms:Timeout',
      },
      {
        [ATTR_KMS_ENDPOINT]: 'https://127.0.0.1:7374',
        [ATTR_KMS_OUTCOME]: 'success',
        [ATTR_KMS_ATTEMPT_DURATION]: 0.0025,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: 200,
      },
      { [ATTR_KMS_ENDPOINT]: 'other', [ATTR_KMS_OUTCOME]: 'other', [ATTR_KMS_ATTEMPT_DURATION]: 0 },
    ]);
    // Events are stamped at the running sum of attempt durations, never after the span ends.
    const end = event.startTime + event.durationMs;
    const times = span!.events.map((e) => hrTimeToMilliseconds(e.time));
    expect(times[0]).toBeCloseTo(Math.min(event.startTime + 5, end), 3);
    expect(times[1]).toBeCloseTo(Math.min(event.startTime + 7.5, end), 3);
    expect(JSON.stringify(span!.events)).not.toMatch(/hunter2|token|operator/);
  });

  it('parents spans to the caller', async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const tracer = createTracerSetup();
    const kms = createKMS({ connector: createTestConnector({ delayMs: 2 }) });
    instrumentation = instrumentKms({
      kms,
      meterProvider: createMeterSetup().provider,
      tracerProvider: tracer.provider,
    });

    const outer = tracer.provider.getTracer('app');
    await outer.startActiveSpan('handle request', async (parent) => {
      await kms.generateKey();
      parent.end();
    });

    const spans = tracer.exporter.getFinishedSpans();
    const child = spans.find((span) => span.name === 'kms generateKey');
    const parent = spans.find((span) => span.name === 'handle request');
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(child!.spanContext().traceId).toBe(parent!.spanContext().traceId);
  });

  it('uses the global tracer provider', async () => {
    const tracer = createTracerSetup();
    trace.setGlobalTracerProvider(tracer.provider);
    try {
      const kms = createKMS({ connector: createTestConnector() });
      instrumentation = instrumentKms({
        kms,
        meterProvider: createMeterSetup().provider,
        tracing: true,
      });
      await kms.mac({ message: new Uint8Array(1) });
      expect(tracer.exporter.getFinishedSpans().map((span) => span.name)).toEqual(['kms mac']);
    } finally {
      trace.disable();
    }
  });
});
