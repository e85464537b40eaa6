/**
 * The S3 errors of the example server that are not about encryption (missing buckets and keys,
 * signatures, bodies), and the conversion of every error a request can raise into the S3 error
 * document. Encryption errors come from the adapter as `S3Error` with their own code and status.
 */

import { KmsError } from '@kmskit/core';
import { escapeXml, InvalidRangeError, S3Error } from '@kmskit/s3-sse-adapter';

/** An S3 API error raised by the server itself (not by the SSE adapter). */
export class ServerError extends Error {
  /** The S3 error code, such as `NoSuchKey`. */
  readonly code: string;
  /** The HTTP status of the response. */
  readonly status: number;
  /** Extra response headers, such as `Content-Range` on 416. */
  readonly headers: Record<string, string>;

  constructor(code: string, status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ServerError';
    this.code = code;
    this.status = status;
    this.headers = headers;
  }
}

/** The fields of an error response. */
export interface ErrorResponse {
  code: string;
  status: number;
  message: string;
  headers: Record<string, string>;
  /** Whether the failure is the server's fault (5xx that no rule explains), worth logging. */
  unexpected: boolean;
}

/** Converts anything a handler throws into the S3 error response it causes. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (error instanceof ServerError) {
    return { ...fields(error), headers: error.headers, unexpected: false };
  }
  if (S3Error.isInstance(error)) {
    return { ...fields(error), headers: {}, unexpected: error.status >= 500 };
  }
  if (InvalidRangeError.isInstance(error)) {
    const headers: Record<string, string> =
      error.size === undefined ? {} : { 'content-range': `bytes */${error.size}` };
    return { ...fields(error), headers, unexpected: false };
  }
  if (KmsError.isInstance(error)) {
    return { ...fields(error), headers: {}, unexpected: error.status >= 500 };
  }
  return {
    code: 'InternalError',
    status: 500,
    message: 'We encountered an internal error. Please try again.',
    headers: {},
    unexpected: true,
  };
}

/** Renders the S3 error document. */
export function errorXml(response: ErrorResponse, resource: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${escapeXml(response.code)}</Code>` +
    `<Message>${escapeXml(response.message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource>` +
    `<RequestId>${escapeXml(requestId)}</RequestId></Error>`
  );
}

function fields(error: { code: string; status: number; message: string }) {
  return { code: error.code, status: error.status, message: error.message };
}

/** 404 `NoSuchBucket`. */
export function noSuchBucket(bucket: string): ServerError {
  return new ServerError('NoSuchBucket', 404, `The specified bucket does not exist: ${bucket}`);
}

/** 404 `NoSuchKey`. */
export function noSuchKey(key: string): ServerError {
  return new ServerError('NoSuchKey', 404, `The specified key does not exist: ${key}`);
}

/** 404 `NoSuchUpload`. */
export function noSuchUpload(uploadId: string): ServerError {
  return new ServerError(
    'NoSuchUpload',
    404,
    `The specified multipart upload does not exist: ${uploadId}. It may have been completed or aborted.`,
  );
}

/** 400 `InvalidArgument`. */
export function invalidArgument(message: string): ServerError {
  return new ServerError('InvalidArgument', 400, message);
}

/** 400 `InvalidRequest`. */
export function invalidRequest(message: string): ServerError {
  return new ServerError('InvalidRequest', 400, message);
}

/** 400 `MalformedXML`. */
export function malformedXml(detail: string): ServerError {
  return new ServerError(
    'MalformedXML',
    400,
    `The XML you provided was not well-formed or did not validate against our published schema (${detail})`,
  );
}

/** 501 `NotImplemented`. */
export function notImplemented(what: string): ServerError {
  return new ServerError(
    'NotImplemented',
    501,
    `${what} is not implemented by this example server`,
  );
}

/** 403 `SignatureDoesNotMatch`. */
export function signatureDoesNotMatch(detail: string): ServerError {
  return new ServerError(
    'SignatureDoesNotMatch',
    403,
    `The request signature we calculated does not match the signature you provided (${detail}). Check your key and signing method.`,
  );
}

/** 403 `AccessDenied`. */
export function accessDenied(detail: string): ServerError {
  return new ServerError('AccessDenied', 403, `Access Denied. ${detail}`);
}
