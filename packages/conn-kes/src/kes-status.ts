/**
 * Per-endpoint status: every endpoint is probed in parallel with `GET /v1/status`, without
 * failover, and reported `online`, `offline`, or `unauthorized` when it responded but rejected the
 * client (403, or a TLS handshake that refused the client certificate).
 */

import type { EndpointStatus } from '@kmskit/core';
import { canceled, type KesCaller } from './kes-caller.js';
import type { KesEndpoint } from './kes-endpoint.js';
import { serverMessage } from './kes-errors.js';
import { KesTransportError } from './kes-transport.js';
import { excerpt, stringField } from './kes-wire.js';

/**
 * Probes every endpoint. A probe that fails for any reason but cancellation makes its endpoint
 * `offline` or `unauthorized`; it never throws.
 *
 * @throws {KmsError} only when `signal` aborts.
 */
export async function probeEndpoints(
  endpoints: readonly KesEndpoint[],
  caller: KesCaller,
  signal?: AbortSignal,
): Promise<EndpointStatus[]> {
  const statuses = await Promise.all(endpoints.map((endpoint) => probe(endpoint, caller, signal)));
  if (signal?.aborted) throw canceled(signal, 'status');
  return statuses;
}

async function probe(
  endpoint: KesEndpoint,
  caller: KesCaller,
  signal: AbortSignal | undefined,
): Promise<EndpointStatus> {
  const started = performance.now();
  const base = { endpoint: endpoint.url };
  try {
    const response = await caller.sendTo(endpoint, { method: 'GET', path: '/v1/status' }, signal);
    const latencyMs = performance.now() - started;
    if (response.status === 200) {
      const version = readVersion(response.body);
      return { ...base, state: 'online', latencyMs, ...(version ? { version } : {}) };
    }
    const message = `responded ${response.status} ${excerpt(serverMessage(response))}`;
    if (
      response.status === 401 ||
      response.status === 403 ||
      /^tls: /.test(serverMessage(response))
    ) {
      return { ...base, state: 'unauthorized', latencyMs, error: message };
    }
    return { ...base, state: 'offline', latencyMs, error: message };
  } catch (error) {
    if (!(error instanceof KesTransportError)) {
      return { ...base, state: 'offline', error: (error as Error)?.message ?? String(error) };
    }
    if (error.failure === 'tls-client') {
      return {
        ...base,
        state: 'unauthorized',
        error: `TLS handshake rejected (${error.code ?? 'no alert'})`,
      };
    }
    if (error.failure === 'tls-server') {
      return {
        ...base,
        state: 'offline',
        error: `server certificate not accepted (${error.code})`,
      };
    }
    return { ...base, state: 'offline', error: `${error.failure}: ${error.code ?? error.message}` };
  }
}

function readVersion(body: string): string | undefined {
  try {
    const object = JSON.parse(body) as unknown;
    if (typeof object !== 'object' || object === null) return undefined;
    return stringField(object as Record<string, unknown>, 'version');
  } catch {
    return undefined;
  }
}
