/** HTTP request handling of the MinKMS test server: routes, identities, errors and faults. */

import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { create, toBinary } from '@bufbuild/protobuf';
import { VersionResponseSchema } from './gen/minio/kms/v1/kms_pb.js';
import { type MinkmsPolicy, runCommands } from './minkms-commands.js';
import type { MinkmsFault, MinkmsFaultSet } from './minkms-faults.js';
import { joinFrames, splitFrames } from './minkms-frames.js';
import { identityOfCertificate } from './minkms-identity.js';
import {
  deliver,
  errorReply,
  type MinkmsErrorFormat,
  OCTET_STREAM,
  type OpenResponses,
  type Reply,
  respondWithFault,
  send,
} from './minkms-replies.js';
import { type MinkmsKeyStore, MinkmsServerError } from './minkms-store.js';

export type { MinkmsErrorFormat };

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
  openResponses: OpenResponses;
}

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
    if (!response.headersSent)
      send(response, errorReply(context.errorFormat, 500, 'internal error'));
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
      errorReply(context.errorFormat, 413, `request body exceeds ${context.maxRequestBytes} bytes`),
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

  if (fault && (await respondWithFault(context, fault, request, response))) return;

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
    reply = errorReply(context.errorFormat, caught.status, caught.message);
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
