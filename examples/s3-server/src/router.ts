/**
 * The request handler: parses the path-style URL (`/<bucket>/<key>`), rejects SSE-C over plain
 * HTTP, verifies the signature, dispatches to the operation, and turns errors into S3 error
 * documents.
 */

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  isSseCCopyRequested,
  isSseCRequested,
  parseSseRequest,
  type SseAdapter,
} from '@kmskit/s3-sse-adapter';
import {
  createBucket,
  deleteBucketEncryption,
  getBucketEncryption,
  headBucket,
  putBucketEncryption,
} from './bucket-handlers.js';
import { isValidBucketName } from './bucket-names.js';
import { completeMultipartUpload } from './complete-multipart.js';
import { copyObject } from './copy-object.js';
import {
  type ErrorResponse,
  errorXml,
  notImplemented,
  ServerError,
  toErrorResponse,
} from './errors.js';
import { deleteObject, getObject } from './get-object.js';
import { abortMultipartUpload, createMultipartUpload, uploadPart } from './multipart-handlers.js';
import type { ObjectStore } from './object-store.js';
import { putObject } from './put-object.js';
import type { RequestContext } from './request-context.js';
import { type Credentials, verifySignature } from './sigv4.js';

/**
 * A log entry of the server. It never contains request headers, keys, credentials or object
 * data: a failed request is described by its method, path, status and S3 error code.
 */
export interface S3ServerLogEntry {
  /** `info` for start and stop, `warn` for an error response, `error` for a server fault. */
  level: 'info' | 'warn' | 'error';
  /** One line, such as `GET /demo/a.txt 404 NoSuchKey`. */
  message: string;
  requestId?: string;
  /** The request method of a failed request. */
  method?: string;
  /** The percent-encoded request path of a failed request, without the query. */
  path?: string;
  /** The HTTP status sent for a failed request. */
  status?: number;
  /** The S3 error code sent for a failed request. */
  code?: string;
  /** The error behind a server fault (`level: 'error'`) only. */
  error?: unknown;
}

/** The dependencies of the request handler. */
export interface RouterOptions {
  store: ObjectStore;
  sse: SseAdapter;
  credentials: Credentials;
  region: string;
  secure: boolean;
  log: (entry: S3ServerLogEntry) => void;
}

type Handler = (context: RequestContext) => Promise<void>;

/** Creates the `request` listener of the HTTP(S) server. */
export function createRequestHandler(
  options: RouterOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    response.setHeader('x-amz-request-id', requestId);
    response.setHeader('server', 'kmskit-s3-example');
    handle(options, request, response, requestId).catch((error: unknown) => {
      options.log({ level: 'error', message: 'request handler failed', requestId, error });
      response.destroy();
    });
  };
}

async function handle(
  options: RouterOptions,
  request: IncomingMessage,
  response: ServerResponse,
  requestId: string,
): Promise<void> {
  const url = request.url ?? '/';
  const rawPath = url.split('?', 1)[0]!;
  try {
    if (
      !options.secure &&
      (isSseCRequested(request.headers) || isSseCCopyRequested(request.headers))
    ) {
      parseSseRequest(request.headers, { secure: false, copyDestination: true });
    }
    const query = parseQuery(url.slice(rawPath.length + 1));
    const { payloadHash } = await verifySignature(
      request,
      rawPath,
      query,
      options.credentials,
      options.region,
    );
    const { bucket, key } = parsePath(rawPath);
    const context: RequestContext = {
      request,
      response,
      requestId,
      bucket,
      key,
      query,
      payloadHash,
      secure: options.secure,
      region: options.region,
      store: options.store,
      sse: options.sse,
    };
    await route(context)(context);
  } catch (error) {
    const failure = toErrorResponse(error);
    logFailure(options, request, response, rawPath, requestId, failure, error);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.statusCode = failure.status;
    for (const [name, value] of Object.entries(failure.headers)) response.setHeader(name, value);
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    const body = Buffer.from(errorXml(failure, rawPath, requestId), 'utf8');
    response.setHeader('content-type', 'application/xml');
    response.setHeader('content-length', String(body.length));
    response.end(body);
  }
}

/**
 * Logs a request that ends in an error. A failure after the response headers went out cuts the
 * connection, so its entry carries the status already sent.
 */
function logFailure(
  options: RouterOptions,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  requestId: string,
  failure: ErrorResponse,
  error: unknown,
): void {
  const method = request.method ?? 'GET';
  const status = response.headersSent ? response.statusCode : failure.status;
  const outcome = response.headersSent
    ? `${status} ${failure.code}, response aborted`
    : `${status} ${failure.code}`;
  options.log({
    level: failure.unexpected ? 'error' : 'warn',
    message: `${method} ${path} ${outcome}`,
    requestId,
    method,
    path,
    status,
    code: failure.code,
    ...(failure.unexpected && { error }),
  });
}

/** Picks the operation from the method, the path and the query. */
function route(context: RequestContext): Handler {
  const method = context.request.method ?? 'GET';
  const has = (name: string) => name in context.query;
  if (context.bucket === '') throw notImplemented('ListBuckets');

  if (context.key === '') {
    if (has('encryption')) {
      if (method === 'PUT') return putBucketEncryption;
      if (method === 'GET') return getBucketEncryption;
      if (method === 'DELETE') return deleteBucketEncryption;
    } else {
      if (method === 'PUT') return createBucket;
      if (method === 'HEAD') return headBucket;
    }
    throw notImplemented(
      `${method} on a bucket with the query ${JSON.stringify(Object.keys(context.query))}`,
    );
  }

  switch (method) {
    case 'PUT':
      if (has('uploadId')) return uploadPart;
      if (context.request.headers['x-amz-copy-source'] !== undefined) return copyObject;
      return putObject;
    case 'GET':
      if (has('uploadId')) throw notImplemented('ListParts');
      return (c) => getObject(c, false);
    case 'HEAD':
      return (c) => getObject(c, true);
    case 'DELETE':
      return has('uploadId') ? abortMultipartUpload : deleteObject;
    case 'POST':
      if (has('uploads')) return createMultipartUpload;
      if (has('uploadId')) return completeMultipartUpload;
      throw notImplemented(
        `POST on an object with the query ${JSON.stringify(Object.keys(context.query))}`,
      );
    default:
      throw new ServerError(
        'MethodNotAllowed',
        405,
        `The specified method ${method} is not allowed against this resource.`,
      );
  }
}

/** Splits a path-style request path into the bucket and the decoded key. */
function parsePath(rawPath: string): { bucket: string; key: string } {
  const path = rawPath.replace(/^\//, '');
  const slash = path.indexOf('/');
  const bucket = decode(slash === -1 ? path : path.slice(0, slash));
  const key = slash === -1 ? '' : decode(path.slice(slash + 1));
  if (bucket !== '' && !isValidBucketName(bucket)) {
    throw new ServerError('InvalidBucketName', 400, `The specified bucket is not valid: ${bucket}`);
  }
  if (key.length > 1024) throw new ServerError('KeyTooLongError', 400, 'Your key is too long.');
  return { bucket, key };
}

/** Parses a query string; `+` stays a plus sign, as S3 clients encode spaces as `%20`. */
function parseQuery(text: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  if (text === '') return query;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decode(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1));
    const previous = query[name];
    if (previous === undefined) query[name] = value;
    else query[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return query;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ServerError('InvalidURI', 400, `Couldn't parse the specified URI: ${text}`);
  }
}
