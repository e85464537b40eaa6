/**
 * An OpenTelemetry `MeterProvider` whose only reader is the Prometheus exporter, served by our own
 * HTTP server. Serving it ourselves lets the caller choose port 0 (the exporter's own server treats
 * 0 as "use the default 9464") and learn the port that was bound.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';

/** Options of `startMetricsServer`. */
export interface MetricsServerOptions {
  /** The address to listen on. @default '127.0.0.1' */
  host?: string;
  /** The TCP port; 0 picks a free one. @default 9464, Prometheus' registered exporter port */
  port?: number;
}

/** A running metrics endpoint. */
export interface MetricsServer {
  /** The scrape URL, such as `http://127.0.0.1:9464/metrics`. */
  url: string;
  /** The provider to pass to `instrumentKms` (or to register globally). */
  meterProvider: MeterProvider;
  /** Stops the HTTP server and shuts the provider down. */
  close(): Promise<void>;
}

/** Starts a Prometheus scrape endpoint at `/metrics`. */
export async function startMetricsServer(
  options: MetricsServerOptions = {},
): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 9464;
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/metrics') {
      exporter.getMetricsRequestHandler(request, response);
      return;
    }
    response.statusCode = 404;
    response.end('not found: scrape /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const bound = server.address() as AddressInfo;
  const hostInUrl = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  return {
    url: `http://${hostInUrl}:${bound.port}/metrics`,
    meterProvider,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await meterProvider.shutdown();
    },
  };
}
