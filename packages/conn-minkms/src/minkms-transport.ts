/**
 * HTTPS requests to MinKMS endpoints over one undici `Agent` (never the global `fetch`), with
 * the client certificate derived from the API key, per-attempt timeouts and failover.
 *
 * Failover: a call starts at a random endpoint and tries each endpoint at most once. Endpoints
 * that failed within the cool-down come last, so a call still reaches a live endpoint when all
 * others are down. Connection errors, per-attempt timeouts, TLS failures and HTTP 502/503/504
 * move on and start the endpoint's cool-down; HTTP 500 moves on without one, unless its
 * message shows that our request was malformed. Every other response ends the call, and so does
 * cancellation. The request body is a byte array, so every attempt sends the same bytes.
 */

import {
  type EndpointAttempt,
  InvalidResponseError,
  KmsError,
  type KmsOperation,
  type OperationOptions,
} from '@kmskit/core';
import { request } from 'undici';
import { MinkmsAgents } from './minkms-agent.js';
import { discard, headerValue, parseContentLength, readBody } from './minkms-body.js';
import { type FailoverAction, mapErrorResponse, readErrorMessage } from './minkms-errors.js';
import { abortError, classifyTransportError } from './minkms-network-errors.js';
import type { ResolvedMinkmsOptions } from './minkms-options.js';

/** An outgoing request: a `POST` of a command body or a `GET`. */
export interface MinkmsRequest {
  method: 'GET' | 'POST';
  /** The URL of the endpoint's origin plus this path is requested. */
  path: string;
  body?: Uint8Array;
}

/** The operation, key and version of a request, for error messages. */
export interface RequestSubject {
  operation: KmsOperation;
  keyName?: string;
  version?: number;
}

/** A successful response and the endpoint that sent it. */
export interface MinkmsResponse<T> {
  endpoint: string;
  value: T;
  latencyMs: number;
}

/** Turns a 200 response body into a value; throws `InvalidResponseError` when it is malformed. */
export type ResponseParser<T> = (body: Uint8Array, contentType: string) => T;

type AttemptResult<T> =
  | { ok: true; value: T; status: number }
  | { ok: false; error: KmsError; action: FailoverAction; status?: number };

/** Bytes of an error body that are read; MinIO's client reads 5 KB. */
const MAX_ERROR_BODY_BYTES = 5 * 1024;
/** The abort reason of requests whose result is no longer needed, such as slower `/version` probes. */
export const SUPERSEDED = Symbol('MinKMS request superseded');
/** Sends requests to the configured endpoints. */
export class MinkmsTransport {
  readonly #options: ResolvedMinkmsOptions;
  readonly #failedAt = new Map<string, number>();
  readonly #agents: MinkmsAgents;

  constructor(options: ResolvedMinkmsOptions) {
    this.#options = options;
    this.#agents = new MinkmsAgents(options);
  }

  /** Sends a request with failover and returns the first successful response. */
  async send<T>(
    request: MinkmsRequest,
    subject: RequestSubject,
    options: OperationOptions,
    parse: ResponseParser<T>,
  ): Promise<MinkmsResponse<T>> {
    let lastError: KmsError | undefined;
    for (const endpoint of this.#attemptOrder()) {
      const started = performance.now();
      const result = await this.#attempt(endpoint, request, subject, options, parse);
      if (result.ok) {
        this.#failedAt.delete(endpoint);
        return { endpoint, value: result.value, latencyMs: performance.now() - started };
      }
      if (result.action === 'return') throw result.error;
      if (result.action === 'next') this.#failedAt.set(endpoint, Date.now());
      lastError = result.error;
    }
    throw lastError!;
  }

  /** Sends a request to one endpoint, without failover. */
  async sendTo<T>(
    endpoint: string,
    request: MinkmsRequest,
    subject: RequestSubject,
    options: OperationOptions,
    parse: ResponseParser<T>,
  ): Promise<MinkmsResponse<T>> {
    const started = performance.now();
    const result = await this.#attempt(endpoint, request, subject, options, parse);
    if (!result.ok) throw result.error;
    return { endpoint, value: result.value, latencyMs: performance.now() - started };
  }

  /** Closes the sockets. Calls after `close` fail. */
  close(): Promise<void> {
    return this.#agents.close();
  }

  /** Endpoints from a random start; endpoints in their cool-down go last, oldest failure first. */
  #attemptOrder(): string[] {
    const { endpoints, cooldownMs } = this.#options;
    const start = Math.floor(Math.random() * endpoints.length);
    const rotated = [...endpoints.slice(start), ...endpoints.slice(0, start)];
    const now = Date.now();
    const ready: string[] = [];
    const cooling: Array<{ endpoint: string; failedAt: number }> = [];
    for (const endpoint of rotated) {
      const failedAt = this.#failedAt.get(endpoint);
      if (failedAt !== undefined && now - failedAt < cooldownMs)
        cooling.push({ endpoint, failedAt });
      else ready.push(endpoint);
    }
    cooling.sort((a, b) => a.failedAt - b.failedAt);
    return [...ready, ...cooling.map((item) => item.endpoint)];
  }

  async #attempt<T>(
    endpoint: string,
    outgoing: MinkmsRequest,
    subject: RequestSubject,
    options: OperationOptions,
    parse: ResponseParser<T>,
  ): Promise<AttemptResult<T>> {
    const { signal } = options;
    if (signal.aborted) throw abortError(signal, subject.operation);

    const started = performance.now();

    let result: AttemptResult<T>;
    try {
      result = await this.#exchange(endpoint, outgoing, subject, signal, parse);
    } catch (caught) {
      if (signal.aborted) {
        const error = abortError(signal, subject.operation);
        if (signal.reason !== SUPERSEDED)
          report(options, endpoint, started, { ok: false, error, action: 'return' });
        throw error;
      }
      const limits = {
        connectTimeoutMs: this.#agents.connectTimeoutMs,
        requestTimeoutMs: this.#options.requestTimeoutMs,
      };
      result = {
        ok: false,
        ...classifyTransportError(caught, endpoint, subject.operation, limits),
      };
    }
    report(options, endpoint, started, result);
    return result;
  }

  async #exchange<T>(
    endpoint: string,
    outgoing: MinkmsRequest,
    subject: RequestSubject,
    signal: AbortSignal,
    parse: ResponseParser<T>,
  ): Promise<AttemptResult<T>> {
    const agent = await this.#agents.current(subject.operation);
    const headers: Record<string, string> = { accept: 'application/*' };
    if (outgoing.body !== undefined) {
      headers['content-type'] = 'application/octet-stream';
      headers['content-length'] = String(outgoing.body.length);
    }
    const response = await request(`${endpoint}${outgoing.path}`, {
      dispatcher: agent,
      method: outgoing.method,
      headers,
      body: outgoing.body === undefined ? null : outgoing.body,
      signal,
    });

    const status = response.statusCode;
    const contentType = headerValue(response.headers['content-type']) ?? '';
    const contentLength = parseContentLength(headerValue(response.headers['content-length']));

    if (status >= 300 && status < 400) {
      discard(response.body);
      const location = headerValue(response.headers.location);
      const error = new InvalidResponseError(
        `${subject.operation}: MinKMS endpoint ${endpoint} responded with a ${status} redirect${location ? ` to ${JSON.stringify(location.slice(0, 200))}` : ''}; redirects are not followed, configure the final address`,
      );
      return { ok: false, error, action: 'return', status };
    }

    if (status !== 200) {
      const body = await readBody(response.body, MAX_ERROR_BODY_BYTES, true);
      const message = readErrorMessage(contentType, body);
      const mapped = mapErrorResponse(status, message, {
        ...subject,
        endpoint,
        enclave: this.#options.enclave,
        identity: this.#options.apiKey.identity,
      });
      return { ok: false, ...mapped, status };
    }

    const invalid = (detail: string) => {
      discard(response.body);
      const error = new InvalidResponseError(
        `${subject.operation}: invalid response from MinKMS endpoint ${endpoint}: ${detail}`,
      );
      return { ok: false as const, error, action: 'return' as const, status };
    };
    if (contentLength === undefined) return invalid('the response has no valid Content-Length');
    if (contentLength > this.#options.maxResponseBytes) {
      return invalid(
        `the response of ${contentLength} bytes exceeds \`maxResponseBytes\` (${this.#options.maxResponseBytes})`,
      );
    }
    const body = await readBody(response.body, contentLength, false);
    if (body.length !== contentLength) {
      return invalid(`the body has ${body.length} bytes, its Content-Length says ${contentLength}`);
    }
    try {
      return { ok: true, value: parse(body, contentType), status };
    } catch (caught) {
      if (!KmsError.isInstance(caught)) throw caught;
      return { ok: false, error: caught, action: 'return', status };
    }
  }
}

function report<T>(
  options: OperationOptions,
  endpoint: string,
  started: number,
  result: AttemptResult<T>,
): void {
  if (!options.reportAttempt) return;
  try {
    options.reportAttempt({
      endpoint,
      outcome: outcomeOf(result),
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.ok ? {} : { errorCode: result.error.code }),
      durationMs: performance.now() - started,
    });
  } catch {
    // A failing observer must not fail the call.
  }
}

function outcomeOf<T>(result: AttemptResult<T>): EndpointAttempt['outcome'] {
  if (result.ok) return 'success';
  return result.action === 'return' ? 'error' : 'failure';
}
