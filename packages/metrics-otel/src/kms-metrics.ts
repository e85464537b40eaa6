/**
 * The metric instruments and the rule that picks their `MeterProvider`: the injected one, or the
 * global one looked up at each record. Looking it up at record time, never at import or
 * construction, means an application that registers its SDK after loading kmskit still gets data.
 */

import {
  type Attributes,
  type Histogram,
  type MeterProvider,
  metrics,
  type ObservableResult,
} from '@opentelemetry/api';
import type { CallSeries } from './attributes.js';
import { INSTRUMENTATION_SCOPE, PACKAGE_VERSION } from './version.js';

/** Name of the counter of finished KMS calls, by operation, connector type and outcome. */
export const KMS_REQUESTS_METRIC = 'kmskit.kms.requests';

/** Name of the histogram of KMS call durations in seconds. */
export const KMS_REQUEST_DURATION_METRIC = 'kmskit.kms.request.duration';

/**
 * Bucket bounds of the duration histogram in seconds: MinIO's KMS latency buckets (10 ms to
 * 10 s). OpenTelemetry counts a sample in the first bucket whose bound is greater than or equal to
 * it, and adds a last bucket up to +Inf.
 */
export const KMS_DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.01, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 3, 5, 10,
]);

/** The instruments of one `MeterProvider` and the request counts reported to it. */
export interface MeterBinding {
  /** The duration histogram, recorded synchronously. */
  duration: Histogram;
  /** Calls counted per attribute set, keyed by `CallSeries.key`. */
  requests: Map<string, { attributes: Attributes; value: number }>;
}

/**
 * One binding per provider, shared by every instrumentation that uses it. The request counter is
 * asynchronous, and the SDK keeps only one value per attribute set per collection, so two
 * instrumentations with their own counts for the same set would overwrite each other.
 */
const bindings = new WeakMap<MeterProvider, MeterBinding>();

/**
 * Picks the binding for each record.
 *
 * The request counter is an asynchronous (observable) counter over counts kept in the binding,
 * because adding to a number costs a few nanoseconds per call. A synchronous `Counter.add` hashes
 * the attribute set on each call, which took about 1 µs with the OpenTelemetry JS SDK 2.12 in
 * `bench/otel.mjs`. The histogram has no asynchronous form, so it is recorded synchronously.
 *
 * A binding stays registered with its provider after every instrumentation is closed or the global
 * provider is replaced, so the provider's readers still export the final counts, such as on
 * `MeterProvider.shutdown()`. It is released with the provider.
 */
export class KmsInstrumentSource {
  readonly #injected: MeterProvider | undefined;
  #provider: MeterProvider | undefined;
  #binding: MeterBinding | undefined;

  constructor(injected: MeterProvider | undefined) {
    this.#injected = injected;
  }

  /**
   * Returns the binding of the injected provider, or of the provider registered globally at this
   * moment. The global lookup is repeated on every call because a meter taken from the API's
   * no-op provider stays no-op even after an SDK is registered.
   */
  current(): MeterBinding {
    const provider = this.#injected ?? metrics.getMeterProvider();
    if (this.#binding === undefined || provider !== this.#provider) {
      this.#binding = bindingOf(provider);
      this.#provider = provider;
    }
    return this.#binding;
  }
}

/** Counts one call under `series` in `binding`. */
export function countRequest(binding: MeterBinding, series: CallSeries): void {
  const count = binding.requests.get(series.key);
  if (count === undefined) {
    binding.requests.set(series.key, { attributes: series.attributes, value: 1 });
  } else {
    count.value++;
  }
}

function bindingOf(provider: MeterProvider): MeterBinding {
  const existing = bindings.get(provider);
  if (existing !== undefined) return existing;

  const meter = provider.getMeter(INSTRUMENTATION_SCOPE, PACKAGE_VERSION);
  const binding: MeterBinding = {
    duration: meter.createHistogram(KMS_REQUEST_DURATION_METRIC, {
      description: 'Duration of KMS calls that were not canceled by the caller.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...KMS_DURATION_BUCKETS_SECONDS] },
    }),
    requests: new Map(),
  };
  const counter = meter.createObservableCounter(KMS_REQUESTS_METRIC, {
    description: 'KMS calls that ended, by operation, connector type and outcome.',
    unit: '{request}',
  });
  counter.addCallback((result: ObservableResult) => {
    for (const { attributes, value } of binding.requests.values())
      result.observe(value, attributes);
  });
  bindings.set(provider, binding);
  return binding;
}
