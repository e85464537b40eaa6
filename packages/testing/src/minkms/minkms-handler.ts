/** HTTP request handling of the MinKMS test server: routes, identities, errors and faults. */

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { create, toBinary } from '@bufbuild/protobuf';
import { ErrResponseSchema, VersionResponseSchema } from './gen/minio/kms/v1/kms_pb.js';
import { type MinkmsPolicy, runCommands } from './minkms-commands.js';
import type { MinkmsFault, MinkmsFaultSet } from './minkms-faults.js';
import { joinFrames, splitFrames } from './minkms-frames.js';
import { identityOfCertificate } from './minkms-identity.js';
import { type MinkmsKeyStore, MinkmsServerError } from './minkms-store.js';

/** A request as the server received it. */
export interface MinkmsRecordedRequest {
  /** Index of the listener that received it. */
  listener: number;
  method: string;
  /** The path, without the query. */
  path: string;
  /** The `h1:` identity of the client certificate, or `undefined` without one. */
  identity: string | undefined;
  contentType: string | undefined;
  /** The Content-Length header, or `undefined` when absent. */
  contentLength: number | undefined;
  /** Bytes of body received. */
  bodyLength: number;
  /** SHA-256 of the body, hex. */
  bodySha256: string;
  /** Command ids of the frames in a command body. */
  commands: number[];
  /** The fault applied, if any. */
  fault: MinkmsFault['type'] | undefined;
}

/** The format of error bodies: protobuf `ErrResponse` (as MinKMS sends), JSON or plain text. */
export type MinkmsErrorFormat = 'protobuf' | 'json' | 'text';

/** The server state a request handler uses. */
export interface HandlerContext {
  listener: number;
  store: MinkmsKeyStore;
  faults: MinkmsFaultSet;
  policies: ReadonlyMap<string, MinkmsPolicy>;
  /** The enclave that `POST /v1/kms` (no enclave) addresses. */
  primaryEnclave: string;
  errorFormat: MinkmsErrorFormat;
  listLimit: number;
  maxRequestBytes: number;
  version: string;
  record(request: MinkmsRecordedRequest): void;
  /** Receives unexpected handler errors, which the client sees as a 500. */
  onError: ((error: unknown) => void) | undefined;
  /** Responses that faults keep open; the server destroys them when it stops. */
  openResponses: Set<ServerResponse>;
}

interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
}

const OCTET_STREAM = 'application/octet-stream';
const identities = new WeakMap<TLSSocket, string | undefined>();

/** Handles one request. */
export async function handleMinkmsRequest(
  context: HandlerContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    await handle(context, request, response);
  } catch (caught) {
    context.onError?.(caught);
    if (!response.headersSent) send(response, errorReply(context, 500, 'internal error'));
    else response.destroy();
  }
}

async function handle(context: HandlerContext, request: IncomingMessage, response: ServerResponse) {
  const path = (request.url ?? '/').split('?')[0]!;
  const method = request.method ?? 'GET';
  const route =
    path === '/v1/kms' || path.startsWith('/v1/kms/')
      ? 'command'
      : path === '/version'
        ? 'version'
        : 'other';
  const identity = identityOf(request.socket as TLSSocket);

  const body = await readBody(request, context.maxRequestBytes);
  if (body === undefined) {
    send(
      response,
      errorReply(context, 413, `request body exceeds ${context.maxRequestBytes} bytes`),
      { close: true },
    );
    return;
  }
  const frames = route === 'command' ? splitFrames(body) : undefined;
  const fault = context.faults.take(context.listener, route);
  const contentLength = request.headers['content-length'];
  context.record({
    listener: context.listener,
    method,
    path,
    identity,
    contentType: request.headers['content-type'],
    contentLength: contentLength === undefined ? undefined : Number(contentLength),
    bodyLength: body.length,
    bodySha256: createHash('sha256').update(body).digest('hex'),
    commands: frames?.map((frame) => frame.command) ?? [],
    fault: fault?.type,
  });

  if (fault && (await replaceAnswer(context, fault, request, response))) return;

  let reply: Reply;
  try {
    const host = `127.0.0.1:${request.socket.localPort ?? 0}`;
    reply = respond(
      context,
      { route, method, path, host, identity, body },
      request.headers['content-type'],
    );
  } catch (caught) {
    if (!(caught instanceof MinkmsServerError)) throw caught;
    reply = errorReply(context, caught.status, caught.message);
  }
  await deliver(context, fault, reply, response);
}

interface Incoming {
  route: 'command' | 'version' | 'other';
  method: string;
  path: string;
  /** The listener's address as `host:port`, reported by `/version`. */
  host: string;
  identity: string | undefined;
  body: Buffer;
}

function respond(
  context: HandlerContext,
  incoming: Incoming,
  contentType: string | undefined,
): Reply {
  const { route, method, path, identity, body } = incoming;
  if (route === 'version' || path === '/v1/health/live' || path === '/v1/health/ready') {
    if (method !== 'GET') throw new MinkmsServerError(405, `method ${method} not allowed`);
    if (route !== 'version')
      return { status: 200, contentType: 'text/plain', body: Buffer.alloc(0) };
    const message = create(VersionResponseSchema, {
      version: context.version,
      commit: 'kmskit-test',
      apiVersion: 'v1',
      host: incoming.host,
    });
    return {
      status: 200,
      contentType: OCTET_STREAM,
      body: Buffer.from(toBinary(VersionResponseSchema, message)),
    };
  }
  if (route !== 'command') throw new MinkmsServerError(404, `no route for ${path}`);
  if (method !== 'POST') throw new MinkmsServerError(405, `method ${method} not allowed`);
  if ((contentType ?? '').split(';')[0]!.trim().toLowerCase() !== OCTET_STREAM) {
    throw new MinkmsServerError(
      415,
      `invalid content type ${JSON.stringify(contentType ?? '')}: expected ${OCTET_STREAM}`,
    );
  }

  const segment = path === '/v1/kms' ? '' : path.slice('/v1/kms/'.length);
  let enclave: string;
  try {
    enclave = segment === '' ? context.primaryEnclave : decodeURIComponent(segment);
  } catch {
    throw new MinkmsServerError(400, `invalid enclave ${JSON.stringify(segment)}`);
  }
  if (enclave.includes('/') || !context.store.hasEnclave(enclave)) {
    throw new MinkmsServerError(404, 'enclave does not exist');
  }

  const frames = splitFrames(body);
  if (frames === undefined) throw new MinkmsServerError(400, 'invalid request: unexpected EOF');
  const responses = runCommands(frames, {
    store: context.store,
    enclave,
    identity: identity ?? '',
    policy: identity === undefined ? undefined : context.policies.get(identity),
    listLimit: context.listLimit,
  });
  return { status: 200, contentType: OCTET_STREAM, body: joinFrames(responses) };
}

/** Applies a fault that responds in place of the server. Returns whether it did. */
async function replaceAnswer(
  context: HandlerContext,
  fault: MinkmsFault,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<boolean> {
  switch (fault.type) {
    case 'close':
      request.socket.destroy();
      return true;
    case 'status':
      send(
        response,
        errorReply(context, fault.status, fault.message ?? `injected ${fault.status}`),
      );
      return true;
    case 'blackhole':
      context.openResponses.add(response);
      response.once('close', () => context.openResponses.delete(response));
      return true;
    case 'oversized':
      await sendFiller(context, response, fault.bytes ?? 64 * 1024 * 1024);
      return true;
    case 'redirect':
      response.writeHead(fault.status ?? 307, {
        location: fault.location ?? `https://127.0.0.1:1${request.url ?? '/'}`,
      });
      response.end();
      return true;
    case 'response': {
      const body =
        typeof fault.body === 'string' ? Buffer.from(fault.body) : Buffer.from(fault.body ?? []);
      send(response, { status: fault.status, contentType: fault.contentType ?? '', body });
      return true;
    }
    default:
      return false;
  }
}

/** Sends a reply, altered by a fault that keeps the server's response. */
async function deliver(
  context: HandlerContext,
  fault: MinkmsFault | undefined,
  reply: Reply,
  response: ServerResponse,
): Promise<void> {
  switch (fault?.type) {
    case 'delay':
      context.openResponses.add(response);
      await Promise.race([
        new Promise((resolve) => setTimeout(resolve, fault.ms)),
        once(response, 'close'),
      ]);
      context.openResponses.delete(response);
      if (!response.destroyed) send(response, reply);
      return;
    case 'content-type':
      send(response, { ...reply, contentType: fault.contentType });
      return;
    case 'chunked':
      send(response, reply, { chunked: true });
      return;
    case 'malformed-frame':
      send(response, {
        ...reply,
        body: corruptFrame(reply.body, fault.variant ?? 'wrong-command'),
      });
      return;
    default:
      send(response, reply);
  }
}

function corruptFrame(
  body: Buffer,
  variant: 'wrong-command' | 'truncated' | 'trailing-data',
): Buffer {
  const copy = Buffer.from(body.length >= 6 ? body : Buffer.alloc(6));
  if (variant === 'wrong-command') copy.writeUInt16BE((copy.readUInt16BE(0) + 1) & 0xffff, 0);
  if (variant === 'truncated') copy.writeUInt32BE(copy.readUInt32BE(2) + 10, 2);
  if (variant === 'trailing-data') return Buffer.concat([copy, copy]);
  return copy;
}

function errorReply(context: HandlerContext, status: number, message: string): Reply {
  if (context.errorFormat === 'json') {
    return {
      status,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify({ message })),
    };
  }
  if (context.errorFormat === 'text') {
    return { status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(message) };
  }
  const body = toBinary(ErrResponseSchema, create(ErrResponseSchema, { message }));
  return { status, contentType: OCTET_STREAM, body: Buffer.from(body) };
}

function send(
  response: ServerResponse,
  reply: Reply,
  options: { chunked?: boolean; close?: boolean } = {},
): void {
  const headers: Record<string, string> = {};
  if (reply.contentType !== '') headers['content-type'] = reply.contentType;
  if (!options.chunked) headers['content-length'] = String(reply.body.length);
  if (options.close) headers.connection = 'close';
  response.writeHead(reply.status, headers);
  if (options.chunked && reply.body.length > 0) response.write(reply.body);
  response.end(options.chunked ? undefined : reply.body);
}

async function sendFiller(
  context: HandlerContext,
  response: ServerResponse,
  bytes: number,
): Promise<void> {
  context.openResponses.add(response);
  response.writeHead(200, { 'content-type': OCTET_STREAM, 'content-length': String(bytes) });
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  let sent = 0;
  while (sent < bytes && !response.destroyed) {
    const part = chunk.subarray(0, Math.min(chunk.length, bytes - sent));
    sent += part.length;
    if (!response.write(part)) {
      await Promise.race([once(response, 'drain'), once(response, 'close')]);
    }
  }
  context.openResponses.delete(response);
  if (!response.destroyed) response.end();
}

/** Reads the body; returns `undefined` when it exceeds `limit`, after discarding the rest. */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total <= limit) chunks.push(chunk);
  }
  return total > limit ? undefined : Buffer.concat(chunks, total);
}

function identityOf(socket: TLSSocket): string | undefined {
  if (identities.has(socket)) return identities.get(socket);
  const certificate = socket.getPeerCertificate?.();
  let identity: string | undefined;
  try {
    identity = certificate?.raw ? identityOfCertificate(certificate.raw) : undefined;
  } catch {
    identity = undefined;
  }
  identities.set(socket, identity);
  return identity;
}
