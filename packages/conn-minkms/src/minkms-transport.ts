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

import tls from 'node:tls';
import {
  CanceledError,
  type EndpointAttempt,
  InvalidResponseError,
  KmsError,
  type KmsOperation,
  KmsTimeoutError,
  KmsTlsError,
  type OperationOptions,
  operationFailed,
} from '@kmskit/core';
import { Agent, request } from 'undici';
import { type ClientCertificate, createClientCertificate } from './minkms-certificate.js';
import { type FailoverAction, mapErrorResponse, readErrorMessage } from './minkms-errors.js';
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

interface AgentEntry {
  agent: Agent;
  /** When to replace the agent, because its client certificate expires soon. */
  renewAt: number;
}

type AttemptResult<T> =
  | { ok: true; value: T; status: number }
  | { ok: false; error: KmsError; action: FailoverAction; status?: number };

/** Bytes of an error body that are read; MinIO's client reads 5 KB. */
const MAX_ERROR_BODY_BYTES = 5 * 1024;
/** Renew the client certificate this long before it expires. */
const CERTIFICATE_RENEWAL_MS = 7 * 24 * 60 * 60 * 1000;
/** The abort reason of requests whose result is no longer needed, such as slower `/version` probes. */
export const SUPERSEDED = Symbol('MinKMS request superseded');
/** The abort reason of a per-attempt timeout. */
const TIMED_OUT = Symbol('MinKMS request timed out');
/** Longest TCP and TLS connection setup. */
const MAX_CONNECT_TIMEOUT_MS = 10_000;

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

const TLS_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** Sends requests to the configured endpoints. */
export class MinkmsTransport {
  readonly #options: ResolvedMinkmsOptions;
  readonly #failedAt = new Map<string, number>();
  #agent: Promise<AgentEntry> | undefined;
  readonly #retiredAgents = new Set<Agent>();
  #closed = false;

  constructor(options: ResolvedMinkmsOptions) {
    this.#options = options;
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
  async close(): Promise<void> {
    this.#closed = true;
    const agents = [...this.#retiredAgents];
    const current = this.#agent?.catch(() => undefined);
    this.#agent = undefined;
    this.#retiredAgents.clear();
    const entry = await current;
    if (entry !== undefined) agents.push(entry.agent);
    await Promise.all(agents.map((item) => item.destroy().catch(() => {})));
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
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(TIMED_OUT), this.#options.requestTimeoutMs);

    let result: AttemptResult<T>;
    try {
      result = await this.#exchange(endpoint, outgoing, subject, controller.signal, parse);
    } catch (caught) {
      if (signal.aborted) {
        const error = abortError(signal, subject.operation);
        if (signal.reason !== SUPERSEDED)
          report(options, endpoint, started, { ok: false, error, action: 'return' });
        throw error;
      }
      result =
        controller.signal.reason === TIMED_OUT
          ? { ok: false, error: this.#timeoutError(endpoint, subject.operation), action: 'next' }
          : classifyTransportError(caught, endpoint, subject.operation);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    report(options, endpoint, started, result);
    return result;
  }

  #timeoutError(endpoint: string, operation: KmsOperation): KmsError {
    return new KmsTimeoutError(
      `${operation}: the request to MinKMS endpoint ${endpoint} timed out after ${this.#options.requestTimeoutMs} ms; raise \`requestTimeoutMs\` or check the endpoint`,
    );
  }

  async #exchange<T>(
    endpoint: string,
    outgoing: MinkmsRequest,
    subject: RequestSubject,
    signal: AbortSignal,
    parse: ResponseParser<T>,
  ): Promise<AttemptResult<T>> {
    const agent = await this.#currentAgent(subject.operation);
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

  /** Returns the agent, creating it (and the client certificate) on first use and before expiry. */
  async #currentAgent(operation: KmsOperation): Promise<Agent> {
    if (this.#closed) {
      throw operationFailed(operation, 'the MinKMS connector is closed', { retryable: false });
    }
    const existing = this.#agent;
    if (existing !== undefined) {
      const entry = await existing.catch(() => undefined);
      if (entry !== undefined && Date.now() < entry.renewAt) return entry.agent;
      if (this.#agent === existing) {
        this.#agent = undefined;
        if (entry !== undefined) this.#retire(entry.agent);
      }
    }

    this.#agent ??= this.#createAgent();
    const pending = this.#agent;
    try {
      return (await pending).agent;
    } catch (cause) {
      if (this.#agent === pending) this.#agent = undefined;
      throw operationFailed(
        operation,
        'cannot create the client certificate from the MinKMS API key',
        {
          cause,
          retryable: false,
        },
      );
    }
  }

  async #createAgent(): Promise<AgentEntry> {
    const certificate: ClientCertificate = await createClientCertificate(this.#options.apiKey);
    const secureContext = tls.createSecureContext({
      ca: this.#options.trustedCertificates,
      cert: certificate.certPem,
      key: certificate.keyPem,
      minVersion: 'TLSv1.2',
    });
    const agent = new Agent({
      connect: {
        secureContext,
        rejectUnauthorized: true,
        timeout: Math.min(this.#options.requestTimeoutMs, MAX_CONNECT_TIMEOUT_MS),
      },
    });
    return { agent, renewAt: certificate.notAfter.getTime() - CERTIFICATE_RENEWAL_MS };
  }

  /** Closes an agent once its requests have finished. */
  #retire(agent: Agent): void {
    this.#retiredAgents.add(agent);
    agent
      .close()
      .catch(() => {})
      .finally(() => this.#retiredAgents.delete(agent));
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

function abortError(signal: AbortSignal, operation: KmsOperation): KmsError {
  if (KmsError.isInstance(signal.reason)) return signal.reason;
  return new CanceledError(`${operation} was canceled by its AbortSignal`, {
    cause: signal.reason,
  });
}

function classifyTransportError(
  caught: unknown,
  endpoint: string,
  operation: KmsOperation,
): AttemptResult<never> {
  if (KmsError.isInstance(caught)) return { ok: false, error: caught, action: 'return' };
  const code = errorCode(caught);
  const text = caught instanceof Error ? caught.message : String(caught);
  if (isTlsError(caught, code)) {
    const error = new KmsTlsError(
      endpoint,
      `${operation}: the TLS handshake with MinKMS endpoint ${endpoint} failed (${code || 'TLS error'}: ${text}); check the server certificate and the \`ca\`/\`caPath\` options`,
      { cause: caught },
    );
    return { ok: false, error, action: 'next' };
  }
  if (code !== undefined && CONNECTION_ERRORS.has(code)) {
    const error = operationFailed(
      operation,
      `cannot reach MinKMS endpoint ${endpoint} (${code}: ${text})`,
      {
        cause: caught,
        retryable: true,
      },
    );
    return { ok: false, error, action: 'next' };
  }
  const error = operationFailed(
    operation,
    `the request to MinKMS endpoint ${endpoint} failed: ${text}`,
    {
      cause: caught,
      retryable: false,
    },
  );
  return { ok: false, error, action: 'return' };
}

function errorCode(caught: unknown): string | undefined {
  if (typeof caught !== 'object' || caught === null) return undefined;
  const code = (caught as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner =
    (caught as { errors?: unknown[]; cause?: unknown }).errors?.[0] ??
    (caught as { cause?: unknown }).cause;
  return inner === caught ? undefined : errorCode(inner);
}

function isTlsError(caught: unknown, code: string | undefined): boolean {
  if (
    code !== undefined &&
    (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || TLS_ERRORS.has(code))
  ) {
    return true;
  }
  return (
    typeof caught === 'object' &&
    caught !== null &&
    (caught as { library?: unknown }).library === 'SSL routines'
  );
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseContentLength(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,15}$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

interface Discardable {
  destroy(): unknown;
  on(event: 'error', listener: () => void): unknown;
}

/** Drops a response body; undici reports the destroyed stream as an error, which is expected here. */
function discard(body: Discardable): void {
  body.on('error', () => {});
  body.destroy();
}

/**
 * Reads a body of at most `limit` bytes. With `truncate`, the rest is discarded. Without it,
 * reading stops at `limit + 1` bytes, so the caller can see that the body is too long.
 */
async function readBody(
  body: Discardable & AsyncIterable<Uint8Array>,
  limit: number,
  truncate: boolean,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    total += chunk.length;
    if (total > limit) {
      discard(body);
      break;
    }
  }
  const all = Buffer.concat(chunks, total);
  return truncate
    ? all.subarray(0, Math.min(limit, total))
    : all.subarray(0, Math.min(limit + 1, total));
}
