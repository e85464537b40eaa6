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
import { KesExchange, type KesExchangeFailure, type KesHttpResponse } from './kes-exchange.js';

export type { KesTlsSettings } from './kes-connect.js';
export type { KesHttpResponse } from './kes-exchange.js';

/** A request to one endpoint. The body is a string, so every attempt sends the same bytes. */
export interface KesHttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  body?: string;
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

const TIMEOUT = new Error('the attempt timed out');
const JSON_HEADERS = { 'content-type': 'application/json' };

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
      keepAliveMaxTimeout: options.keepAliveTimeoutMs,
      connections: options.maxConnections === 0 ? null : options.maxConnections,
      headersTimeout: options.requestTimeoutMs,
      bodyTimeout: options.requestTimeoutMs,
    });
  }

  /**
   * Sends one request and reads the whole response. `signal` is the caller's, when there is one.
   *
   * @throws {KesTransportError} when no complete response arrived.
   */
  send(
    endpoint: KesEndpoint,
    request: KesHttpRequest,
    signal: AbortSignal | undefined,
  ): Promise<KesHttpResponse> {
    const exchange = new KesExchange(MAX_RESPONSE_BYTES);
    const onAbort = () => exchange.end('canceled', signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    // This timer, not undici's own, ends the attempt: undici's timers tick about once a second,
    // and a request that waits for a connection fails only when the connect attempt does.
    const timer = setTimeout(() => exchange.end('timeout', TIMEOUT), this.#timeoutMs);
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    this.#agent.dispatch(
      {
        origin: endpoint.origin,
        path: endpoint.basePath + request.path,
        method: request.method,
        headers: request.body === undefined ? undefined : JSON_HEADERS,
        body: request.body,
      },
      exchange,
    );
    return exchange.promise.then(
      (response) => {
        settle();
        return response;
      },
      (failure: KesExchangeFailure) => {
        settle();
        throw this.#classify(failure);
      },
    );
  }

  /** Closes every connection. Requests still running fail. */
  async close(): Promise<void> {
    await this.#agent.destroy();
  }

  #classify(failure: KesExchangeFailure): KesTransportError {
    const cause = failure.cause;
    const error = cause as Error & { code?: string; socket?: SocketInfo | null };
    const code = typeof error?.code === 'string' ? error.code : undefined;
    const message = error?.message ?? String(cause);

    if (failure.ended === 'canceled') {
      return new KesTransportError('canceled', 'the call was canceled', code, cause);
    }
    if (failure.ended === 'timeout') {
      return new KesTransportError(
        'timeout',
        `no response within ${this.#timeoutMs} ms`,
        code,
        cause,
      );
    }
    if (failure.tooLarge) {
      const text = `the response exceeds ${MAX_RESPONSE_BYTES} bytes`;
      return new KesTransportError('too-large', text, code, cause);
    }
    if (
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT'
    ) {
      return new KesTransportError('timeout', `no response in time (${code})`, code, cause);
    }
    if (code !== undefined && SERVER_CERTIFICATE_CODES.has(code)) {
      return new KesTransportError('tls-server', message, code, cause);
    }
    if (isTlsCode(code) || code === CLIENT_REJECTED) {
      return new KesTransportError('tls-client', message, code, cause);
    }
    if (code === 'ECONNRESET' && /before secure TLS connection was established/.test(message)) {
      const text = 'the server closed the connection during the TLS handshake';
      return new KesTransportError('tls-client', text, code, cause);
    }
    if (failure.responded) {
      return new KesTransportError('connection', `the response broke off: ${message}`, code, cause);
    }

    const info = error?.socket;
    if (code === 'UND_ERR_SOCKET' && info) {
      const alert = this.#connections.alertOf(info);
      if (alert) return new KesTransportError('tls-client', alert.message, alert.code, alert);
      // Bytes read earlier on this socket mean it is a reused keep-alive connection.
      if ((info.bytesRead ?? 0) > 0) {
        const text = 'a kept-alive connection was closed by the server';
        return new KesTransportError('stale-connection', text, code, cause);
      }
    }
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      const text = `the connection was reset (${code})`;
      return new KesTransportError('stale-connection', text, code, cause);
    }
    return new KesTransportError('connection', message, code, cause);
  }
}
