/**
 * AWS Signature Version 4 checks of incoming requests (the `Authorization` header form). The
 * signature is recomputed with `@smithy/signature-v4`, the signer the AWS SDK uses, over exactly
 * the headers the client listed in `SignedHeaders`, and compared in constant time.
 */

import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { accessDenied, invalidRequest, ServerError, signatureDoesNotMatch } from './errors.js';

/** An access key pair the server accepts. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The payload mode of a verified request. */
export interface VerifiedRequest {
  /** The `x-amz-content-sha256` value: a hex SHA-256, `UNSIGNED-PAYLOAD` or a `STREAMING-…` mode. */
  payloadHash: string;
}

/** S3 rejects requests whose `x-amz-date` is more than 15 minutes from the server's clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

const AUTH_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9\-;]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE_PATTERN = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Verifies the Signature V4 `Authorization` header of a request.
 *
 * @param rawPath the request path exactly as sent (percent-encoded), which S3 signs as is.
 * @param query the decoded query parameters.
 * @throws {ServerError} 403 `AccessDenied` (no signature, presigned URL), `InvalidAccessKeyId`,
 *   `RequestTimeTooSkewed`, `SignatureDoesNotMatch`; 400 `AuthorizationHeaderMalformed` and
 *   `InvalidRequest` for a missing `x-amz-content-sha256`.
 */
export async function verifySignature(
  request: IncomingMessage,
  rawPath: string,
  query: Record<string, string | string[]>,
  credentials: Credentials,
  region: string,
  now: Date = new Date(),
): Promise<VerifiedRequest> {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    if ('X-Amz-Signature' in query || 'X-Amz-Credential' in query) {
      throw accessDenied('Presigned URLs are not supported by this example server.');
    }
    throw accessDenied('Anonymous requests are not allowed: sign the request with Signature V4.');
  }
  const match = AUTH_PATTERN.exec(authorization);
  if (!match) {
    throw new ServerError(
      'AuthorizationHeaderMalformed',
      400,
      'The authorization header is malformed: expected AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/s3/aws4_request, SignedHeaders=<list>, Signature=<hex>.',
    );
  }
  const [, accessKeyId, scopeDate, scopeRegion, scopeService, signedHeaderList, signature] =
    match as unknown as [string, string, string, string, string, string, string];

  if (accessKeyId !== credentials.accessKeyId) {
    throw new ServerError(
      'InvalidAccessKeyId',
      403,
      'The AWS Access Key Id you provided does not exist in our records.',
    );
  }
  if (scopeRegion !== region || scopeService !== 's3') {
    throw new ServerError(
      'AuthorizationHeaderMalformed',
      400,
      `The authorization header is malformed: the credential scope is ${scopeRegion}/${scopeService}, expected ${region}/s3.`,
    );
  }

  const amzDate = headerValue(request, 'x-amz-date');
  const signingDate = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (signingDate === undefined || amzDate?.slice(0, 8) !== scopeDate) {
    throw accessDenied(
      'The request needs an x-amz-date header (YYYYMMDDTHHMMSSZ) whose date matches the credential scope.',
    );
  }
  if (Math.abs(now.getTime() - signingDate.getTime()) > MAX_CLOCK_SKEW_MS) {
    throw new ServerError(
      'RequestTimeTooSkewed',
      403,
      `The difference between the request time (${amzDate}) and the server's time (${now.toISOString()}) is more than 15 minutes.`,
    );
  }

  const payloadHash = headerValue(request, 'x-amz-content-sha256');
  if (payloadHash === undefined) {
    throw invalidRequest('Missing required header for this request: x-amz-content-sha256');
  }

  const signedNames = signedHeaderList.split(';');
  const headers: Record<string, string> = Object.create(null);
  for (const name of signedNames) {
    const value = headerValue(request, name);
    if (value === undefined) {
      throw signatureDoesNotMatch(`the signed header ${name} is missing from the request`);
    }
    headers[name] = value;
  }

  const signer = new SignatureV4({
    service: 's3',
    region,
    credentials,
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
    applyChecksum: false,
  });
  const host = headers.host ?? '';
  const signed = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'https:',
      hostname: host,
      path: rawPath,
      query,
      headers,
    },
    { signingDate, signableHeaders: new Set(signedNames) },
  );
  const expected = /Signature=([0-9a-f]{64})$/.exec(String(signed.headers.authorization))?.[1];
  const expectedList = /SignedHeaders=([^,]+),/.exec(String(signed.headers.authorization))?.[1];
  if (expected === undefined || expectedList !== signedHeaderList) {
    throw signatureDoesNotMatch('the signed header list is not in canonical order');
  }
  if (!timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(signature, 'latin1'))) {
    throw signatureDoesNotMatch('the signature differs');
  }
  return { payloadHash };
}

/** Returns a header's value, with repeated headers joined by commas as the signer expects. */
function headerValue(request: IncomingMessage, name: string): string | undefined {
  const values = request.headersDistinct[name];
  if (values === undefined || values.length === 0) return undefined;
  return values.join(',');
}

function parseAmzDate(text: string): Date | undefined {
  const parts = AMZ_DATE_PATTERN.exec(text);
  if (!parts) return undefined;
  const [, year, month, day, hour, minute, second] = parts.map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  return Number.isNaN(date.getTime()) ? undefined : date;
}
