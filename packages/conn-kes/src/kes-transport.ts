/**
 * One HTTP exchange with one KES endpoint over the connector's own undici `Agent`, with the
 * client certificate on every connection. The global `fetch` is never used: its bundled undici
 * may differ from this package's, and a dispatcher from one copy does not work with the other.
 */

import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import type { KesEndpoint } from './kes-endpoint.js';

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

/** Why an exchange produced no response. */
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

/** TLS settings of every connection. `key` is a secret. */
export interface KesTlsSettings {
  cert: string;
  key: string;
  ca: string[] | undefined;
  serverName: string | undefined;
  rejectUnauthorized: boolean;
}

/** Response bodies above this size are rejected; KES's own client reads at most 1 MiB. */
export const MAX_RESPONSE_BYTES = 1024 * 1024;

const TIMEOUT = Symbol('kes attempt timeout');
const STATE_TTL_MS = 2_000;

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

/** What the connector saw on one socket, for classifying errors that undici reports vaguely. */
interface SocketState {
  /** The server sent a TLS 1.3 session ticket, so it accepted the handshake and our certificate. */
  ticket: boolean;
  /** The first TLS alert or error seen on the socket. */
  tlsError: (Error & { code?: string }) | undefined;
}

/** Sends requests to KES endpoints over one undici `Agent`. */
export class KesTransport {
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  readonly #sockets = new Map<string, SocketState>();

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
    const connect = buildConnector({
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      rejectUnauthorized: tls.rejectUnauthorized,
      servername: tls.serverName,
      minVersion: 'TLSv1.2',
      timeout: Math.min(options.connectTimeoutMs, options.requestTimeoutMs),
    });
    this.#agent = new Agent({
      connect: (connectOptions, callback) => {
        const forced = tls.serverName
          ? { ...connectOptions, servername: tls.serverName }
          : connectOptions;
        connect(forced, (error, socket) => {
          if (socket) this.#watch(socket as TLSSocket);
          // biome-ignore lint/suspicious/noExplicitAny: undici's callback is a tuple union.
          (callback as any)(error, socket);
        });
      },
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
    const onAbort = () => controller.abort(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(TIMEOUT), this.#timeoutMs);
    let responded = false;
    try {
      const response = await this.#agent.request({
        origin: endpoint.origin,
        path: endpoint.basePath + request.path,
        method: request.method,
        headers: request.body === undefined ? undefined : { 'content-type': 'application/json' },
        body: request.body,
        signal: controller.signal,
      });
      responded = true;
      const body = await response.body.text();
      const contentType = header(response.headers['content-type']);
      const location = response.headers.location;
      return {
        status: response.statusCode,
        contentType: contentType.trim().toLowerCase(),
        location: location === undefined ? undefined : header(location),
        body,
      };
    } catch (cause) {
      throw this.#classify(cause, signal, controller.signal, responded);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Closes every connection. Requests still running fail. */
  async close(): Promise<void> {
    await this.#agent.destroy();
  }

  #watch(socket: TLSSocket): void {
    const key = socketKey(socket);
    const state: SocketState = { ticket: false, tlsError: undefined };
    this.#sockets.set(key, state);
    socket.on('session', () => {
      state.ticket = true;
    });
    socket.on('error', (error: Error & { code?: string }) => {
      if (state.tlsError === undefined && isTlsCode(error.code)) state.tlsError = error;
    });
    socket.once('close', () => {
      // undici turns the close into an error after this listener ran; keep the state long
      // enough for `#classify` to read it.
      setTimeout(() => this.#sockets.delete(key), STATE_TTL_MS).unref();
    });
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
    const info = error?.socket;
    if (code === 'UND_ERR_SOCKET' && info) {
      const state = this.#sockets.get(socketKey(info));
      if (state?.tlsError) {
        return new KesTransportError(
          'tls-client',
          state.tlsError.message,
          state.tlsError.code,
          state.tlsError,
        );
      }
      if ((info.bytesRead ?? 0) > 0) {
        return new KesTransportError(
          'stale-connection',
          'a kept-alive connection was closed by the server',
          code,
          cause,
        );
      }
      if (state && !state.ticket) {
        // With TLS 1.3 the client finishes its handshake before the server checks the client
        // certificate; a server that rejects it closes the connection without an HTTP answer
        // and without the session ticket it sends after a successful handshake.
        return new KesTransportError(
          'tls-client',
          'the server closed the connection right after the TLS handshake without answering',
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

interface SocketInfo {
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
  bytesRead?: number;
}

function socketKey(socket: SocketInfo | Socket): string {
  return `${socket.localAddress}:${socket.localPort}>${socket.remoteAddress}:${socket.remotePort}`;
}

function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}

function header(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? (value[0] ?? '') : value;
}
