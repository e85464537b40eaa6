/**
 * The whole example wired together: a builtin KMS from the registry, a Prometheus endpoint, the
 * kmskit instrumentation between them, and a load that keeps the KMS busy.
 */

import { randomBytes } from 'node:crypto';
import { builtinConnector } from '@kmskit/conn-builtin';
import { createConnectorRegistry, type KMS } from '@kmskit/core';
import { instrumentKms } from '@kmskit/metrics-otel';
import { type LoadReport, runLoad } from './load.js';
import { startMetricsServer } from './metrics-server.js';

/** Options of `startExample`. */
export interface ExampleOptions {
  /** The address of the scrape endpoint. @default '127.0.0.1' */
  host?: string;
  /** The scrape endpoint's port; 0 picks a free one. @default 9464 */
  port?: number;
  /**
   * The environment to read `MINIO_KMS_SECRET_KEY` from. Without it, the example makes a random
   * key that lives as long as the process.
   */
  env?: Record<string, string | undefined>;
  /** Calls per load batch. @default 20 */
  batchSize?: number;
  /** Pause between load batches in milliseconds. @default 50 */
  pauseMs?: number;
}

/** A running example. */
export interface Example {
  /** The Prometheus scrape URL. */
  url: string;
  /** The KMS under load. */
  kms: KMS;
  /** Stops the load and returns what it did; the endpoint keeps serving. */
  stopLoad(): Promise<LoadReport>;
  /** Stops the load, then the endpoint and the KMS, and returns what the load did. */
  close(): Promise<LoadReport>;
}

/** Starts the KMS, the scrape endpoint and the load. */
export async function startExample(options: ExampleOptions = {}): Promise<Example> {
  const registry = createConnectorRegistry().register(builtinConnector);
  const env = options.env ?? process.env;
  const kms = env.MINIO_KMS_SECRET_KEY
    ? await registry.createFromEnv(env)
    : await registry.create('builtin', {
        secretKey: `example-key:${randomBytes(32).toString('base64')}`,
      });

  const metricsServer = await startMetricsServer({ host: options.host, port: options.port });
  const instrumentation = instrumentKms({ kms, meterProvider: metricsServer.meterProvider });

  const stop = new AbortController();
  const load = runLoad(kms, {
    signal: stop.signal,
    batchSize: options.batchSize,
    pauseMs: options.pauseMs,
  });

  const stopLoad = () => {
    stop.abort();
    return load;
  };
  return {
    url: metricsServer.url,
    kms,
    stopLoad,
    async close() {
      const report = await stopLoad();
      instrumentation.close();
      await metricsServer.close();
      await kms.close();
      return report;
    },
  };
}
