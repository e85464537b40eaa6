/**
 * `instrumentKms`: subscribes to the diagnostics events that every `KMS` call publishes and turns
 * each into a counter increment, a duration sample and, optionally, a span.
 */

import { type KMS, type KmsCallEvent, subscribeKmsCalls } from '@kmskit/core';
import { diag, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { AttributeCache, type CallSeries } from './attributes.js';
import { countRequest, KmsInstrumentSource } from './kms-metrics.js';
import { KmsSpanWriter, validDuration } from './kms-tracing.js';

/** Options of `instrumentKms`. */
export interface InstrumentKmsOptions {
  /**
   * Measure only the calls of this client. By default the calls of every `KMS` client in the
   * process are measured, including clients created later.
   */
  kms?: Pick<KMS, 'id'>;
  /**
   * The provider of the instruments. By default, the global provider registered with
   * `metrics.setGlobalMeterProvider`, looked up at each record, so the SDK may be registered
   * after `instrumentKms` is called.
   */
  meterProvider?: MeterProvider;
  /** The provider of the spans when `tracing` is on. @default the global `TracerProvider` */
  tracerProvider?: TracerProvider;
  /**
   * Writes one span per KMS call, with one event per endpoint attempt.
   * @default true when `tracerProvider` is given, else false
   */
  tracing?: boolean;
}

/** The handle that `instrumentKms` returns. */
export interface KmsInstrumentation {
  /** Whether `close` was called. */
  readonly closed: boolean;
  /**
   * Stops recording. What was recorded before stays with the `MeterProvider`, whose readers keep
   * exporting it. Calling it again does nothing.
   */
  close(): void;
}

/**
 * Records OpenTelemetry metrics, and optionally spans, for KMS calls.
 *
 * Recording never throws into a KMS call. Diagnostics subscribers run synchronously inside the
 * call, so every error thrown while recording, by the SDK, a meter or a tracer, is caught. The
 * first one is reported through OpenTelemetry's `diag` logger. Exporters run outside the call.
 *
 * @throws {TypeError} when an option has the wrong type.
 * @example
 * const kms = createKMS({ connector });
 * const instrumentation = instrumentKms({ kms, meterProvider });
 * // ... later
 * instrumentation.close();
 */
export function instrumentKms(options: InstrumentKmsOptions = {}): KmsInstrumentation {
  const { clientId, meterProvider, tracerProvider, tracing } = checkOptions(options);
  const cache = new AttributeCache();
  const instruments = new KmsInstrumentSource(meterProvider);
  const spans = tracing ? new KmsSpanWriter(tracerProvider) : undefined;
  let reported = false;
  let closed = false;

  const report = (error: unknown) => {
    if (reported) return;
    reported = true;
    try {
      diag.error(
        '@kmskit/metrics-otel: recording a KMS call failed; later failures are not reported',
        error,
      );
    } catch {
      // The diag logger belongs to the application, and its failure must not fail the KMS call.
    }
  };

  const record = (event: KmsCallEvent) => {
    if (closed || typeof event !== 'object' || event === null) return;
    if (clientId !== undefined && event.clientId !== clientId) return;

    let series: CallSeries;
    try {
      series = cache.seriesOf(event);
    } catch (error) {
      report(error);
      return;
    }

    try {
      const binding = instruments.current();
      countRequest(binding, series);
      if (series.call.outcome !== 'canceled') {
        binding.duration.record(validDuration(event.durationMs) / 1000, series.attributes);
      }
    } catch (error) {
      report(error);
    }

    if (spans === undefined) return;
    try {
      spans.write(event, series.call, series.attributes);
    } catch (error) {
      report(error);
    }
  };
  const unsubscribe = subscribeKmsCalls(record);

  return {
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      closed = true;
      unsubscribe();
    },
  };
}

function checkOptions(options: InstrumentKmsOptions): {
  clientId: string | undefined;
  meterProvider: MeterProvider | undefined;
  tracerProvider: TracerProvider | undefined;
  tracing: boolean;
} {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('instrumentKms: options must be an object or undefined');
  }
  const { kms, meterProvider, tracerProvider } = options;
  if (
    kms !== undefined &&
    (typeof kms !== 'object' || kms === null || typeof kms.id !== 'string')
  ) {
    throw new TypeError('instrumentKms: option `kms` must be a KMS client from createKMS');
  }
  if (meterProvider !== undefined && typeof meterProvider?.getMeter !== 'function') {
    throw new TypeError(
      'instrumentKms: option `meterProvider` must be a MeterProvider with `getMeter`',
    );
  }
  if (tracerProvider !== undefined && typeof tracerProvider?.getTracer !== 'function') {
    throw new TypeError(
      'instrumentKms: option `tracerProvider` must be a TracerProvider with `getTracer`',
    );
  }
  const tracing = options.tracing ?? tracerProvider !== undefined;
  if (typeof tracing !== 'boolean') {
    throw new TypeError(
      `instrumentKms: option \`tracing\` must be a boolean, got ${typeof tracing}`,
    );
  }
  return { clientId: kms?.id, meterProvider, tracerProvider, tracing };
}
