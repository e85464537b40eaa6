/**
 * TLS connections for the undici `Agent`, with two additions that make a rejected client
 * certificate show up as a TLS error instead of a bare "other side closed":
 *
 * - TLS alerts seen on a socket are remembered, because undici reports the close that follows an
 *   alert without the alert.
 * - A new TLS 1.3 connection is handed to undici only after the server's first session ticket.
 *   In TLS 1.3 the client finishes its handshake before the server checks the client
 *   certificate, and servers send tickets only after that check passed. A server that rejects
 *   the certificate sends an alert or closes the connection instead, which then fails the
 *   connect step before any request was written. Resumed sessions and TLS 1.2 need no wait,
 *   because there the certificate was checked before the handshake ended.
 */

import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';

/** TLS settings of every connection. `key` is a secret. */
export interface KesTlsSettings {
  cert: string;
  key: string;
  ca: string[] | undefined;
  serverName: string | undefined;
  rejectUnauthorized: boolean;
}

/** The socket info that undici attaches to a failed request, used to look up its TLS alert. */
export interface SocketInfo {
  localAddress?: string;
  localPort?: number;
  remoteAddress?: string;
  remotePort?: number;
  bytesRead?: number;
}

/** The error of a connection that the server closed right after the handshake. */
export const CLIENT_REJECTED = 'ERR_KES_TLS_CLIENT_REJECTED';

/**
 * How long a new TLS 1.3 connection waits for the first session ticket. Servers that send none
 * (tickets disabled) only cost this delay once per connection.
 */
const TICKET_WAIT_MS = 250;
/** How long a closed socket's alert stays known; undici reports the close right after it. */
const ALERT_TTL_MS = 2_000;

type Connect = buildConnector.connector;

/** Builds TLS connections and remembers the alerts seen on them. */
export class KesConnections {
  readonly connect: Connect;
  readonly #alerts = new Map<string, Error & { code?: string }>();

  constructor(tls: KesTlsSettings, timeoutMs: number) {
    const base = buildConnector({
      cert: tls.cert,
      key: tls.key,
      ca: tls.ca,
      rejectUnauthorized: tls.rejectUnauthorized,
      servername: tls.serverName,
      minVersion: 'TLSv1.2',
      timeout: timeoutMs,
    });
    this.connect = (options, callback) => {
      const target = tls.serverName ? { ...options, servername: tls.serverName } : options;
      base(target, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error('connect failed'), null);
        this.#watch(socket as TLSSocket);
        awaitTicket(socket as TLSSocket, (rejected) => {
          if (rejected) callback(rejected, null);
          else callback(null, socket);
        });
      });
    };
  }

  /** Returns the TLS alert seen on the socket that undici describes, if any. */
  alertOf(info: SocketInfo): (Error & { code?: string }) | undefined {
    return this.#alerts.get(socketKey(info));
  }

  #watch(socket: TLSSocket): void {
    const key = socketKey(socket);
    socket.on('error', (error: Error & { code?: string }) => {
      if (isTlsCode(error.code) && !this.#alerts.has(key)) this.#alerts.set(key, error);
    });
    socket.once('close', () => {
      setTimeout(() => this.#alerts.delete(key), ALERT_TTL_MS).unref();
    });
  }
}

/** Reports whether an error code comes from TLS. */
export function isTlsCode(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_'));
}

function awaitTicket(socket: TLSSocket, done: (rejected?: Error) => void): void {
  if (socket.getProtocol() !== 'TLSv1.3' || socket.isSessionReused()) {
    done();
    return;
  }

  let settled = false;
  const finish = (rejected?: Error) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.off('session', onSession);
    socket.off('error', onError);
    socket.off('close', onClose);
    // The session event fires inside the TLS layer's read, and a request written from there
    // stalls the socket. So the socket is handed over on the next turn of the event loop.
    setImmediate(() => done(rejected));
  };
  const onSession = () => finish();
  const onError = (error: Error) => {
    socket.destroy();
    finish(error);
  };
  const onClose = () => {
    const error = Object.assign(
      new Error(
        'the server closed the connection right after the TLS handshake, before any request',
      ),
      { code: CLIENT_REJECTED },
    );
    finish(error);
  };
  const timer = setTimeout(() => finish(), TICKET_WAIT_MS);
  socket.on('session', onSession);
  socket.on('error', onError);
  socket.on('close', onClose);
}

function socketKey(socket: SocketInfo): string {
  return `${socket.localAddress}:${socket.localPort}>${socket.remoteAddress}:${socket.remotePort}`;
}
