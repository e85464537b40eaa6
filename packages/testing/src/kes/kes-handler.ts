/** The HTTP handler of one listener: identity, body, faults, routing and the request log. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { KesFault, KesFaults } from './kes-faults.js';
import { certificateIdentity } from './kes-policy.js';
import { type KesReply, type KesServerState, routeKesRequest } from './kes-routes.js';

/** One request as the server saw it. */
export interface KesRequestRecord {
  /** The listener index. */
  listener: number;
  method: string;
  /** The path as sent, still escaped. */
  path: string;
  /** The client identity (hex SHA-256 of the certificate's public key), when it sent a certificate. */
  identity: string | undefined;
  /** Whether the client certificate chains to the server's CA. */
  authorized: boolean;
  /** The id of the TLS connection that carried the request, unique per server. */
  connection: number;
  /** The request body as text. */
  body: string;
  /** The reply's status, or 0 when a fault left the request without a reply. */
  status: number;
  /** The fault applied, if any. */
  fault?: KesFault['kind'];
}

/** The request log, capped so that long benchmarks do not grow it without bound. */
export class KesRequestLog {
  readonly #limit: number;
  #records: KesRequestRecord[] = [];

  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  add(record: KesRequestRecord): void {
    this.#records.push(record);
    if (this.#records.length > this.#limit) this.#records = this.#records.slice(-this.#limit / 2);
  }

  get records(): readonly KesRequestRecord[] {
    return this.#records;
  }

  clear(): void {
    this.#records = [];
  }
}

/** Ids of the server's TLS connections and which of them are still open. */
export class KesConnectionIds {
  readonly #ids = new WeakMap<TLSSocket, number>();
  readonly #open = new Set<number>();
  #next = 1;

  /** Returns the id of a connection, assigning one on first use. */
  idOf(socket: TLSSocket): number {
    let id = this.#ids.get(socket);
    if (id === undefined) {
      const assigned = this.#next++;
      id = assigned;
      this.#ids.set(socket, assigned);
      this.#open.add(assigned);
      socket.once('close', () => this.#open.delete(assigned));
    }
    return id;
  }

  /** Reports whether a connection is still open. */
  isOpen(id: number): boolean {
    return this.#open.has(id);
  }
}

const MAX_REQUEST_BYTES = (1 << 20) + 1;
const identities = new WeakMap<TLSSocket, string | undefined>();

/** Creates the handler of listener `index`. */
export function createKesHandler(
  state: KesServerState,
  faults: KesFaults,
  log: KesRequestLog,
  connections: KesConnectionIds,
  index: number,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(state, faults, log, connections, index, request, response).catch(() => {
      response.destroy();
    });
  };
}

async function handle(
  state: KesServerState,
  faults: KesFaults,
  log: KesRequestLog,
  connections: KesConnectionIds,
  index: number,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  state.requestCount++;
  const socket = request.socket as TLSSocket;
  const rawPath = (request.url ?? '/').split('?')[0]!;
  const identity = identityOf(socket);
  const body = await readBody(request);
  const record: KesRequestRecord = {
    listener: index,
    method: request.method ?? 'GET',
    path: rawPath,
    identity,
    authorized: socket.authorized,
    connection: connections.idOf(socket),
    body: body.toString('utf8'),
    status: 0,
  };
  log.add(record);

  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return write(response, record, {
      status: 400,
      body: 'invalid URL escape',
      contentType: 'text/plain',
    });
  }
  const fault = faults.take(index, path);
  if (fault) record.fault = fault.kind;

  switch (fault?.kind) {
    case 'delay':
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      break;
    case 'status':
      return write(response, record, {
        status: fault.status,
        body: fault.body ?? JSON.stringify({ message: fault.message ?? 'injected fault' }),
        contentType: fault.contentType ?? 'application/json',
      });
    case 'close':
      socket.destroy();
      return;
    case 'hang':
      return;
    case 'oversized': {
      const size = fault.bytes ?? 2 * 1024 * 1024;
      const filler = 'A'.repeat(Math.max(0, size - 16));
      return write(response, record, {
        status: 200,
        body: `{"plaintext":"${filler}"}`,
        contentType: 'application/json',
      });
    }
    case 'malformed-json':
      return write(response, record, {
        status: 200,
        body: '{"plaintext":"AAAA',
        contentType: 'application/json',
      });
    case 'redirect':
      return write(response, record, {
        status: fault.status ?? 307,
        body: '',
        headers: { Location: fault.location },
      });
  }

  const reply = routeKesRequest(state, { method: record.method, path, identity, body });
  if (fault?.kind === 'close-after-handling') {
    socket.destroy();
    return;
  }
  if (fault?.kind === 'content-type') reply.contentType = fault.contentType;
  write(response, record, reply);
  if (fault?.kind === 'close-after-response')
    response.once('finish', () => setImmediate(() => socket.destroy()));
}

function write(response: ServerResponse, record: KesRequestRecord, reply: KesReply): void {
  record.status = reply.status;
  const headers: Record<string, string | number> = {
    ...reply.headers,
    'Content-Length': Buffer.byteLength(reply.body),
  };
  if (reply.contentType) headers['Content-Type'] = reply.contentType;
  response.writeHead(reply.status, headers);
  response.end(reply.body);
}

function identityOf(socket: TLSSocket): string | undefined {
  if (identities.has(socket)) return identities.get(socket);
  const certificate = socket.getPeerX509Certificate?.();
  // KES skips CA certificates when it looks for the client's identity.
  const identity = certificate && !certificate.ca ? certificateIdentity(certificate) : undefined;
  identities.set(socket, identity);
  return identity;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of request) {
    length += (chunk as Buffer).length;
    chunks.push(chunk as Buffer);
    if (length >= MAX_REQUEST_BYTES) break;
  }
  return Buffer.concat(chunks);
}
