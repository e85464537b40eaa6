/**
 * One listener of the KES test server: an HTTPS server on 127.0.0.1 with a fixed port that can be
 * stopped (connections refused), restarted, or turned into a black hole that accepts TCP
 * connections and never sends a byte.
 */

import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server, type ServerOptions } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';

/** The state of a listener. */
export type KesListenerState = 'running' | 'stopped' | 'black-hole';

const HOST = '127.0.0.1';

/** A listener with a stable port. */
export class KesListener {
  readonly #tlsOptions: ServerOptions;
  readonly #handler: (request: IncomingMessage, response: ServerResponse) => void;
  readonly #keepAliveTimeoutMs: number;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #blackHole: NetServer | undefined;
  #port = 0;

  constructor(
    tlsOptions: ServerOptions,
    handler: (request: IncomingMessage, response: ServerResponse) => void,
    keepAliveTimeoutMs: number,
  ) {
    this.#tlsOptions = tlsOptions;
    this.#handler = handler;
    this.#keepAliveTimeoutMs = keepAliveTimeoutMs;
  }

  /** `https://127.0.0.1:<port>`. Known after the first `start`. */
  get url(): string {
    return `https://${HOST}:${this.#port}`;
  }

  get state(): KesListenerState {
    if (this.#server) return 'running';
    return this.#blackHole ? 'black-hole' : 'stopped';
  }

  /** Open TCP connections, including those held by a black hole. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Starts serving HTTPS on the listener's port (a free port the first time). */
  async start(port = this.#port): Promise<void> {
    if (this.#server) return;
    await this.#closeBlackHole();
    const server = createHttpsServer(this.#tlsOptions, this.#handler);
    server.keepAliveTimeout = this.#keepAliveTimeoutMs;
    server.on('connection', (socket: Socket) => {
      socket.setNoDelay(true);
      this.#track(socket);
    });
    // A client that aborts its handshake is normal in fault tests; keep it out of the output.
    server.on('tlsClientError', () => {});
    server.listen(port, HOST);
    await once(server, 'listening');
    this.#port = (server.address() as { port: number }).port;
    this.#server = server;
  }

  /** Stops listening and drops every connection, so new connections are refused. */
  async stop(): Promise<void> {
    await this.#closeBlackHole();
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    const closed = once(server, 'close');
    server.close();
    server.closeAllConnections();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Replaces the HTTPS server by one that accepts connections and never responds. */
  async blackHole(): Promise<void> {
    await this.stop();
    const server = createNetServer((socket) => {
      this.#track(socket);
      socket.pause();
    });
    server.listen(this.#port, HOST);
    await once(server, 'listening');
    this.#blackHole = server;
  }

  async #closeBlackHole(): Promise<void> {
    const server = this.#blackHole;
    if (!server) return;
    this.#blackHole = undefined;
    const closed = once(server, 'close');
    server.close();
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  #track(socket: Socket): void {
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }
}
