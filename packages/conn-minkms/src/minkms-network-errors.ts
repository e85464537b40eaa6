/** Classifies network failures of an attempt: timeout, TLS, connection or anything else. */

import {
  CanceledError,
  KmsError,
  type KmsOperation,
  KmsTimeoutError,
  KmsTlsError,
  operationFailed,
} from '@kmskit/core';
import type { FailoverAction } from './minkms-errors.js';

const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** undici's time limits, by error code: what timed out. */
const TIMEOUT_ERRORS: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting to',
  UND_ERR_HEADERS_TIMEOUT: 'waiting for the response of',
  UND_ERR_BODY_TIMEOUT: 'reading the response of',
};

/** The time limits of one attempt, for messages. */
export interface AttemptLimits {
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

const TLS_ERRORS = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
  'EPROTO',
]);

/** Returns the error for an aborted call: the signal's `KmsError` reason, else `CanceledError`. */
export function abortError(signal: AbortSignal, operation: KmsOperation): KmsError {
  if (KmsError.isInstance(signal.reason)) return signal.reason;
  return new CanceledError(`${operation} was canceled by its AbortSignal`, {
    cause: signal.reason,
  });
}

/** Maps a thrown network error to a `KmsError` and whether the call moves on. */
export function classifyTransportError(
  caught: unknown,
  endpoint: string,
  operation: KmsOperation,
  limits: AttemptLimits,
): { error: KmsError; action: FailoverAction } {
  if (KmsError.isInstance(caught)) return { error: caught, action: 'return' };
  const code = errorCode(caught);
  const text = caught instanceof Error ? caught.message : String(caught);
  const phase = code === undefined ? undefined : TIMEOUT_ERRORS[code];
  if (phase !== undefined) {
    const limit =
      code === 'UND_ERR_CONNECT_TIMEOUT' ? limits.connectTimeoutMs : limits.requestTimeoutMs;
    const error = new KmsTimeoutError(
      `${operation}: ${phase} MinKMS endpoint ${endpoint} timed out after ${limit} ms; check the endpoint or raise \`requestTimeoutMs\``,
      { cause: caught },
    );
    return { error, action: 'next' };
  }
  if (isTlsError(caught, code)) {
    const error = new KmsTlsError(
      endpoint,
      `${operation}: the TLS handshake with MinKMS endpoint ${endpoint} failed (${code || 'TLS error'}: ${text}); check the server certificate and the \`ca\`/\`caPath\` options`,
      { cause: caught },
    );
    return { error, action: 'next' };
  }
  if (code !== undefined && CONNECTION_ERRORS.has(code)) {
    const error = operationFailed(
      operation,
      `cannot reach MinKMS endpoint ${endpoint} (${code}: ${text})`,
      {
        cause: caught,
        retryable: true,
      },
    );
    return { error, action: 'next' };
  }
  const error = operationFailed(
    operation,
    `the request to MinKMS endpoint ${endpoint} failed: ${text}`,
    {
      cause: caught,
      retryable: false,
    },
  );
  return { error, action: 'return' };
}

function errorCode(caught: unknown): string | undefined {
  if (typeof caught !== 'object' || caught === null) return undefined;
  const code = (caught as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const inner =
    (caught as { errors?: unknown[]; cause?: unknown }).errors?.[0] ??
    (caught as { cause?: unknown }).cause;
  return inner === caught ? undefined : errorCode(inner);
}

function isTlsError(caught: unknown, code: string | undefined): boolean {
  if (
    code !== undefined &&
    (code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || TLS_ERRORS.has(code))
  ) {
    return true;
  }
  return (
    typeof caught === 'object' &&
    caught !== null &&
    (caught as { library?: unknown }).library === 'SSL routines'
  );
}
