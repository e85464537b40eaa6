/**
 * Sends one KES request with failover across the endpoints.
 *
 * A call tries each endpoint at most once, from a random start, skipping endpoints that are
 * cooling down. It moves on after connection errors, per-attempt timeouts, TLS failures and HTTP
 * 500, 502, 503 and 504; it stops at any other response. A kept-alive connection that turns out
 * closed before any response gets one retry on a fresh connection to the same endpoint.
 * Cancellation ends the call at once without failing over or marking endpoints.
 */

import {
  CanceledError,
  type EndpointAttempt,
  KmsError,
  type KmsOperation,
  operationFailed,
} from '@kmskit/core';
import type { KesBalancer } from './kes-balancer.js';
import type { KesEndpoint } from './kes-endpoint.js';
import {
  errorFromResponse,
  errorFromTransport,
  type KesAttemptFailure,
  type KesErrorScope,
} from './kes-errors.js';
import {
  type KesHttpRequest,
  type KesHttpResponse,
  type KesTransport,
  KesTransportError,
} from './kes-transport.js';

/** Per-call options of every `KesClient` method. */
export interface KesCallOptions {
  /** Cancels the call; an aborted call fails with the signal's `KmsError` reason or `kms:Canceled`. */
  signal?: AbortSignal;
  /** Receives one record per attempt against one endpoint. */
  reportAttempt?(attempt: EndpointAttempt): void;
}

/** The scope of a call: the KES API for messages and the operation for error codes. */
export interface KesCallScope {
  operation: KmsOperation;
  api: string;
  name?: string | undefined;
}

/** A successful response and the endpoint that sent it. */
export interface KesAnswer {
  response: KesHttpResponse;
  endpoint: KesEndpoint;
}

type AttemptResult =
  | { kind: 'answer'; response: KesHttpResponse }
  | { kind: 'failure'; failure: KesAttemptFailure }
  | { kind: 'canceled' };

/** Runs requests against the endpoints with failover. */
export class KesCaller {
  readonly #connect: () => Promise<KesTransport>;
  readonly #balancer: KesBalancer;
  readonly #identity: string;
  /** The transport once `#connect` has built it, so that calls need not await it again. */
  #transport: KesTransport | undefined;

  constructor(connect: () => Promise<KesTransport>, balancer: KesBalancer, identity: string) {
    this.#connect = connect;
    this.#balancer = balancer;
    this.#identity = identity;
  }

  /**
   * Sends a request and returns the first successful (2xx) response.
   *
   * @throws {KmsError} mapped from the response that ended the call, or from the last failure when
   *   every endpoint failed; the signal's reason, or `CanceledError`, when the call was aborted.
   */
  async call(
    what: KesCallScope,
    request: KesHttpRequest,
    options: KesCallOptions = {},
  ): Promise<KesAnswer> {
    const { operation } = what;
    const signal = options.signal;
    throwIfAborted(signal, operation);
    const transport = this.#transport ?? (await this.#transportFor(operation));
    throwIfAborted(signal, operation);

    const { endpoints, force } = this.#balancer.plan();
    let last: KesAttemptFailure | undefined;
    let tried = 0;
    // Every endpoint is tried at most once: the second pass only runs when the first tried none,
    // because other calls held every endpoint while this one waited.
    for (const forced of [force, true]) {
      for (const endpoint of endpoints) {
        if (!this.#balancer.begin(endpoint, forced)) continue;
        tried++;
        const result = await this.#attempt(transport, endpoint, what, request, signal, options);
        if (result.kind === 'answer') {
          this.#balancer.succeeded(endpoint);
          return { response: result.response, endpoint };
        }
        if (result.kind === 'canceled') {
          this.#balancer.released(endpoint);
          throw canceled(signal!, operation);
        }
        if (result.failure.failover === 'stop') {
          this.#balancer.succeeded(endpoint);
          throw result.failure.error;
        }
        this.#balancer.failed(endpoint);
        last = result.failure;
      }
      if (tried > 0) break;
    }
    throw last?.error ?? operationFailed(operation, 'no KES endpoint could be tried');
  }

  /**
   * Sends a request to one endpoint, without failover and without touching the cool-down state.
   *
   * @throws {KesTransportError} when no response arrived; `failure` is `canceled` on abort.
   */
  async sendTo(
    endpoint: KesEndpoint,
    request: KesHttpRequest,
    signal: AbortSignal | undefined,
  ): Promise<KesHttpResponse> {
    const transport = this.#transport ?? (await this.#connect());
    return transport.send(endpoint, request, signal);
  }

  /** Forgets the transport, after the client closed it. */
  forget(): void {
    this.#transport = undefined;
  }

  async #transportFor(operation: KmsOperation): Promise<KesTransport> {
    try {
      this.#transport = await this.#connect();
      return this.#transport;
    } catch (cause) {
      // A closed connector, or an API key certificate that could not be built.
      throw operationFailed(operation, (cause as Error).message, { retryable: false, cause });
    }
  }

  async #attempt(
    transport: KesTransport,
    endpoint: KesEndpoint,
    what: KesCallScope,
    request: KesHttpRequest,
    signal: AbortSignal | undefined,
    options: KesCallOptions,
  ): Promise<AttemptResult> {
    const scope = (): KesErrorScope => ({
      ...what,
      endpoint: endpoint.url,
      identity: this.#identity,
    });
    for (let retry = 0; ; retry++) {
      const started = options.reportAttempt ? performance.now() : 0;
      const report = (outcome: EndpointAttempt['outcome'], status?: number, errorCode?: string) => {
        if (!options.reportAttempt) return;
        reportAttempt(options.reportAttempt, {
          endpoint: endpoint.url,
          outcome,
          ...(status === undefined ? {} : { status }),
          ...(errorCode === undefined ? {} : { errorCode }),
          durationMs: performance.now() - started,
        });
      };
      try {
        const response = await transport.send(endpoint, request, signal);
        if (response.status >= 200 && response.status < 300) {
          report('success', response.status);
          return { kind: 'answer', response };
        }
        const failure = errorFromResponse(scope(), response);
        const outcome = failure.failover === 'next' ? 'failure' : 'error';
        report(outcome, response.status, failure.error.code);
        return { kind: 'failure', failure };
      } catch (error) {
        if (!(error instanceof KesTransportError)) throw error;
        if (error.failure === 'canceled') {
          report('error', undefined, 'kms:Canceled');
          return { kind: 'canceled' };
        }
        if (error.failure === 'stale-connection' && retry === 0) {
          report('failure', undefined, error.code);
          continue;
        }
        const failure = errorFromTransport(scope(), error);
        report(failure.failover === 'next' ? 'failure' : 'error', undefined, failure.error.code);
        return { kind: 'failure', failure };
      }
    }
  }
}

/** Returns the error for an aborted call: the signal's `KmsError` reason, else `CanceledError`. */
export function canceled(signal: AbortSignal, operation: KmsOperation): KmsError {
  if (KmsError.isInstance(signal.reason)) return signal.reason;
  return new CanceledError(`${operation} was canceled by its AbortSignal`, {
    cause: signal.reason,
  });
}

function throwIfAborted(signal: AbortSignal | undefined, operation: KmsOperation): void {
  if (signal?.aborted) throw canceled(signal, operation);
}

function reportAttempt(
  observer: (attempt: EndpointAttempt) => void,
  attempt: EndpointAttempt,
): void {
  try {
    observer(attempt);
  } catch {
    // A failing observer must not fail the KMS call.
  }
}
