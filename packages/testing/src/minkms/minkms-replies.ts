/** Replies of the MinKMS test server: bodies, error bodies and faults applied to them. */

import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { create, toBinary } from '@bufbuild/protobuf';
import { ErrResponseSchema } from './gen/minio/kms/v1/kms_pb.js';
import type { MinkmsFault } from './minkms-faults.js';

/** The format of error bodies: protobuf `ErrResponse` (as MinKMS sends), JSON or plain text. */
export type MinkmsErrorFormat = 'protobuf' | 'json' | 'text';

/** A reply before it is sent. */
export interface Reply {
  status: number;
  contentType: string;
  body: Buffer;
}

/** The Content-Type of MinKMS protobuf bodies. */
export const OCTET_STREAM = 'application/octet-stream';

/** Responses that faults keep open, destroyed when the server stops. */
export type OpenResponses = Set<ServerResponse>;

/** The server state that replies use. */
export interface ReplyContext {
  errorFormat: MinkmsErrorFormat;
  openResponses: OpenResponses;
}

/** Builds an error reply in the server's error format. */
export function errorReply(format: MinkmsErrorFormat, status: number, message: string): Reply {
  if (format === 'json') {
    return {
      status,
      contentType: 'application/json',
      body: Buffer.from(JSON.stringify({ message })),
    };
  }
  if (format === 'text') {
    return { status, contentType: 'text/plain; charset=utf-8', body: Buffer.from(message) };
  }
  const body = toBinary(ErrResponseSchema, create(ErrResponseSchema, { message }));
  return { status, contentType: OCTET_STREAM, body: Buffer.from(body) };
}

/** Sends a reply with a Content-Length, or chunked. */
export function send(
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

/** Applies a fault that responds in place of the server. Returns whether it did. */
export async function respondWithFault(
  context: ReplyContext,
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
        errorReply(context.errorFormat, fault.status, fault.message ?? `injected ${fault.status}`),
      );
      return true;
    case 'blackhole':
      context.openResponses.add(response);
      response.once('close', () => context.openResponses.delete(response));
      return true;
    case 'oversized':
      await sendFiller(context.openResponses, response, fault.bytes ?? 64 * 1024 * 1024);
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
export async function deliver(
  context: ReplyContext,
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

async function sendFiller(
  openResponses: OpenResponses,
  response: ServerResponse,
  bytes: number,
): Promise<void> {
  openResponses.add(response);
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
  openResponses.delete(response);
  if (!response.destroyed) response.end();
}
