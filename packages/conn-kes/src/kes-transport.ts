/**
 * One HTTP exchange with one KES endpoint over the connector's own undici `Agent`, with the
 * client certificate on every connection. The global `fetch` is never used: its bundled undici
 * may differ from this package's, and a dispatcher from one copy does not work with the other.
 */

import { Agent } from 'undici';
import {
  CLIENT_REJECTED,
  isTlsCode,
  KesConnections,
  type KesTlsSettings,
  type SocketInfo,
} from './kes-connect.js';
import type { KesEndpoint } from './kes-endpoint.js';

export type { KesTlsSettings } from './kes-connect.js';

/** A request to one endpoint. The body is a string, so every attempt sends the same bytes. */
export interface KesHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
}

/** A complete response. */
export interface KesHttpResponse {
  status: number;
  contentType: string;
  location: string | undefined;
  body: string;
}

/** The reason an exchange produced no response. */
export type KesTransportFailure =
  /** The per-attempt time limit passed. */
  | 'timeout'
  /** The caller's signal aborted. */
  | 'canceled'
  /** The server certificate failed verification. */
  | 'tls-server'
  /** The server ended the handshake, most likely rejecting the client certificate. */
  | 'tls-client'
  /** A kept-alive connection turned out closed before any response: worth one fresh retry. */
  | 'stale-connection'
  /** The response exceeded the size limit. */
  | 'too-large'
  /** Any other network failure. */
  | 'connection';

/** An exchange that failed before a complete response arrived. */
export class KesTransportError extends Error {
  readonly failure: KesTransportFailure;
  /** The system or undici error code, such as `ECONNREFUSED`. */
  readonly code: string | undefined;

  constructor(
    failure: KesTransportFailure,
    message: string,
    code: string | undefined,
    cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'KesTransportError';
    this.failure = failure;
    this.code = code;
  }
}

/** Response bodies above this size are rejected; KES's own client reads at most 1 MiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const TIMEOUT = Symbol('kes attempt timeout');

/** Server-certificate verification codes of Node's TLS stack (OpenSSL's X509_V_ERR names). */
const SERVER_CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Sends requests to KES endpoints over one undici `Agent`. */
export class KesTransport {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #connections: KesConnections;

  constructor(
    tls: KesTlsSettings,
    options: {
      requestTimeoutMs: number;
      connectTimeoutMs: number;
      keepAliveTimeoutMs: number;
      maxConnections: number;
    },
  ) {
    this.#timeoutMs = options.requestTimeoutMs;
    this.#connections = new KesConnections(
      tls,
      Math.min(options.connectTimeoutMs, options.requestTimeoutMs),
    );
    this.#agent = new Agent({
      connect: this.#connections.connect,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      maxResponseSize: MAX_RESPONSE_BYTES,
      connections: options.maxConnections === 0 ? null : options.maxConnections,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
  }

  /**
   * Sends one request and reads the whole response.
   *
   * @throws {KesTransportError} when no complete response arrived.
   */
  async send(
    endpoint: KesEndpoint,
    request: KesHttpRequest,
    signal: AbortSignal,
  ): Promise<KesHttpResponse> {
    const controller = new AbortController();
    let rejectAborted: (reason: unknown) => void = () => {};
    const aborted = new Promise<never>((_, reject) => {
      rejectAborted = reject;
    });
    const abort = (reason: unknown) => {
      controller.abort(reason);
      rejectAborted(reason);
    };
    const onAbort = () => abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => abort(TIMEOUT), this.#timeoutMs);
    const progress = { responded: false };
    const exchange = this.#exchange(endpoint, request, controller.signal, progress);
    try {
      // undici settles an aborted request only when a pending connect ends. Its connect timer
      // ticks about once a second, so the race is what ends the attempt on time.
      return await Promise.race([exchange, aborted]);
    } catch (cause) {
      throw this.#classify(cause, signal, controller.signal, progress.responded);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      exchange.catch(() => {});
    }
  }

  /** Closes every connection. Requests still running fail. */
  async close(): Promise<void> {
    await this.#agent.destroy();
  }

  async #exchange(
    endpoint: KesEndpoint,
    request: KesHttpRequest,
    signal: AbortSignal,
    progress: { responded: boolean },
  ): Promise<KesHttpResponse> {
    const response = await this.#agent.request({
      origin: endpoint.origin,
      path: endpoint.basePath + request.path,
      method: request.method,
      headers: request.body === undefined ? undefined : { 'content-type': 'application/json' },
      body: request.body,
      signal,
    });
    progress.responded = true;
    const body = await response.body.text();
    const contentType = header(response.headers['content-type']);
    const location = response.headers.location;
    return {
      status: response.statusCode,
      contentType: contentType.trim().toLowerCase(),
      location: location === undefined ? undefined : header(location),
      body,
    };
  }

  #classify(
    cause: unknown,
    callerSignal: AbortSignal,
    attemptSignal: AbortSignal,
    responded: boolean,
  ): KesTransportError {
    const error = cause as Error & { code?: string; socket?: SocketInfo | null };
    const code = typeof error?.code === 'string' ? error.code : undefined;
    if (callerSignal.aborted) {
      return new KesTransportError('canceled', 'the call was canceled', code, callerSignal.reason);
    }
    if (attemptSignal.aborted && attemptSignal.reason === TIMEOUT) {
      return new KesTransportError(
        'timeout',
        `no response within ${this.#timeoutMs} ms`,
        code,
        cause,
      );
    }
    if (
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT'
    ) {
      return new KesTransportError('timeout', `no response in time (${code})`, code, cause);
    }
    if (code === 'UND_ERR_RES_EXCEEDED_MAX_SIZE') {
      return new KesTransportError(
        'too-large',
        `the response exceeds ${MAX_RESPONSE_BYTES} bytes`,
        code,
        cause,
      );
    }
    if (code !== undefined && SERVER_CERTIFICATE_CODES.has(code)) {
      return new KesTransportError('tls-server', error.message, code, cause);
    }
    if (isTlsCode(code)) return new KesTransportError('tls-client', error.message, code, cause);
    if (
      code === 'ECONNRESET' &&
      /before secure TLS connection was established/.test(error.message)
    ) {
      return new KesTransportError(
        'tls-client',
        'the server closed the connection during the TLS handshake',
        code,
        cause,
      );
    }

    if (responded) {
      return new KesTransportError(
        'connection',
        `the response broke off: ${error?.message ?? String(cause)}`,
        code,
        cause,
      );
    }
    if (code === CLIENT_REJECTED) {
      return new KesTransportError('tls-client', error.message, code, cause);
    }
    const info = error?.socket;
    if (code === 'UND_ERR_SOCKET' && info) {
      const alert = this.#connections.alertOf(info);
      if (alert) return new KesTransportError('tls-client', alert.message, alert.code, alert);
      if ((info.bytesRead ?? 0) > 0) {
        return new KesTransportError(
          'stale-connection',
          'a kept-alive connection was closed by the server',
          code,
          cause,
        );
      }
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      return new KesTransportError(
        'stale-connection',
        `the connection was reset (${code})`,
        code,
        cause,
      );
    }
    return new KesTransportError('connection', error?.message ?? String(cause), code, cause);
  }
}

function header(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? (value[0] ?? '') : value;
}
