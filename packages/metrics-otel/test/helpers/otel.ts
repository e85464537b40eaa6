/** Real OpenTelemetry SDK set-ups for the tests: a meter provider with a manual reader, a tracer with an in-memory exporter. */

import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A reader that exports only when the test calls `collect`. */
export class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export function createMeterSetup(): { provider: MeterProvider; reader: TestReader } {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  return { provider, reader };
}

export function createTracerSetup(): {
  provider: BasicTracerProvider;
  exporter: InMemorySpanExporter;
} {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { provider, exporter };
}

/** Returns the data points of the metric `name` in one collection. */
export function pointsOf<T = number>(metrics: ResourceMetrics, name: string): DataPoint<T>[] {
  const points: DataPoint<T>[] = [];
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name === name) points.push(...(metric.dataPoints as DataPoint<T>[]));
    }
  }
  return points;
}

export type { Histogram };
export { AggregationTemporality, InMemoryMetricExporter, MeterProvider };
