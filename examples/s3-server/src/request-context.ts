/**
 * The request context of every operation handler (the parsed request, the store and the SSE
 * adapter), and the helpers that write S3 responses.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { removeSensitiveHeaders, type SseAdapter } from '@kmskit/s3-sse-adapter';
import { noSuchBucket, ServerError } from './errors.js';
import type { ObjectStore } from './object-store.js';

/** A request after routing and signature verification. */
export interface RequestContext {
  request: IncomingMessage;
  response: ServerResponse;
  requestId: string;
  /** The bucket name from the path. */
  bucket: string;
  /** The decoded object key from the path, or `''` for bucket operations. */
  key: string;
  /** The decoded query parameters. */
  query: Record<string, string | string[]>;
  /** The signed `x-amz-content-sha256` value. */
  payloadHash: string;
  /** Whether the request arrived over TLS. */
  secure: boolean;
  /** The server's region. */
  region: string;
  store: ObjectStore;
  sse: SseAdapter;
}

/** Returns the first value of a query parameter. */
export function queryValue(context: RequestContext, name: string): string | undefined {
  const value = context.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Returns a request header's value (the first one when it is repeated). */
export function headerOf(context: RequestContext, name: string): string | undefined {
  return context.request.headersDistinct[name]?.[0];
}

/** Sends a response with headers and an optional body. */
export function send(
  context: RequestContext,
  status: number,
  headers: Record<string, string>,
  body?: string,
): void {
  const { response } = context;
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (body === undefined) {
    if (!response.hasHeader('content-length')) response.setHeader('content-length', '0');
    response.end();
    return;
  }
  const bytes = Buffer.from(body, 'utf8');
  response.setHeader('content-type', 'application/xml');
  response.setHeader('content-length', String(bytes.length));
  response.end(bytes);
}

/** Sends an XML document with the S3 namespace declaration on its root element. */
export function sendXml(
  context: RequestContext,
  root: string,
  inner: string,
  headers: Record<string, string> = {},
): void {
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</${root}>`;
  send(context, 200, headers, xml);
}

/** Throws `NoSuchBucket` unless the request's bucket exists. */
export async function requireBucket(context: RequestContext): Promise<void> {
  if (!(await context.store.bucketExists(context.bucket))) throw noSuchBucket(context.bucket);
}

/** Returns the request's `x-amz-meta-*` headers, without those that must never be stored. */
export function userMetadataOf(context: RequestContext): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, values] of Object.entries(context.request.headersDistinct)) {
    if (name.startsWith('x-amz-meta-') && values) metadata[name] = values.join(',');
  }
  return removeSensitiveHeaders(metadata);
}

/** Returns the request's content type, or the S3 default. */
export function contentTypeOf(context: RequestContext): string {
  return headerOf(context, 'content-type') ?? 'binary/octet-stream';
}

/** Formats a stored ETag for the `ETag` header: always quoted. */
export function quoted(etag: string): string {
  return `"${etag}"`;
}

/** 400 `InvalidArgument` for an unsupported `x-amz-metadata-directive`. */
export function metadataDirective(context: RequestContext): 'COPY' | 'REPLACE' {
  const value = headerOf(context, 'x-amz-metadata-directive') ?? 'COPY';
  if (value !== 'COPY' && value !== 'REPLACE') {
    throw new ServerError(
      'InvalidArgument',
      400,
      `Unknown metadata directive ${JSON.stringify(value)}: use COPY or REPLACE.`,
    );
  }
  return value;
}
