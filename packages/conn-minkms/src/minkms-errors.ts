/**
 * Maps MinKMS error responses to `KmsError`s and decides whether a call moves on to the next
 * endpoint. Classification is by HTTP status first and by the message second.
 *
 * MinKMS error messages (MinIO KMS Go SDK): 403 `access denied: insufficient permissions`,
 * 404 `key does not exist` / `enclave does not exist`, 409 `key already exists` /
 * `enclave already exists`, 400 `invalid ciphertext`.
 */

import { fromBinary } from '@bufbuild/protobuf';
import {
  InvalidCiphertextError,
  KeyExistsError,
  KeyNotFoundError,
  type KmsError,
  type KmsOperation,
  NotAuthorizedError,
  NotSupportedError,
  operationFailed,
} from '@kmskit/core';
import { ErrResponseSchema } from './gen/minio/kms/v1/kms_pb.js';

/**
 * The next step of a call after an error:
 * - `return`: the error ends the call;
 * - `next`: the endpoint is faulty, so the call moves on and the endpoint cools down;
 * - `next-once`: the call moves on, but the endpoint stays in rotation (HTTP 500).
 */
export type FailoverAction = 'return' | 'next' | 'next-once';

/** The request an error response belongs to, for messages. */
export interface ErrorSubject {
  operation: KmsOperation;
  endpoint: string;
  enclave: string;
  keyName?: string;
  version?: number;
  identity: string;
}

/** Maximum length of a server message quoted in our messages. */
const MAX_MESSAGE_LENGTH = 300;

/** Messages of a 500 that show our request was malformed, so no other endpoint will do better. */
const MALFORMED_REQUEST = /\b(?:unexpected EOF|EOF|illegal base64)\b/;

/**
 * Extracts the message of an error body: a protobuf `ErrResponse` for
 * `application/octet-stream`, `{"message": …}` for any JSON media type (whatever parameters
 * follow it), plain text otherwise. Falls back to the raw text when a body does not parse.
 */
export function readErrorMessage(contentType: string | undefined, body: Uint8Array): string {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/octet-stream') {
    try {
      return clean(fromBinary(ErrResponseSchema, body).message);
    } catch {
      return clean(new TextDecoder().decode(body));
    }
  }
  const text = new TextDecoder().decode(body);
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && 'message' in parsed) {
        const message = (parsed as { message: unknown }).message;
        if (typeof message === 'string') return clean(message);
      }
    } catch {
      // Not JSON after all: use the text.
    }
  }
  return clean(text);
}

/** Maps an HTTP error status and message to a `KmsError` and the failover action. */
export function mapErrorResponse(
  status: number,
  message: string,
  subject: ErrorSubject,
): { error: KmsError; action: FailoverAction } {
  const lower = message.toLowerCase();
  const detail = `MinKMS endpoint ${subject.endpoint} responded with ${status}${message ? `: ${message}` : ''}`;
  const key = subject.keyName;
  const aboutEnclave = lower.includes('enclave');

  if (status === 401 || status === 403) {
    const target = key === undefined ? '' : ` on key '${key}'`;
    return {
      error: new NotAuthorizedError(
        `${subject.operation}${target} in enclave '${subject.enclave}' is not allowed for identity ${subject.identity}: ${detail}; grant the identity this command in its MinKMS policy`,
      ),
      action: 'return',
    };
  }
  const exists = subject.operation === 'createKey' || lower.includes('already exists');
  if (status === 409 && key !== undefined && !aboutEnclave && exists) {
    return { error: new KeyExistsError(key, { cause: detail }), action: 'return' };
  }
  if (key !== undefined && !aboutEnclave && (status === 404 || isKeyNotFound(lower))) {
    return { error: keyNotFound(key, subject.version, lower, detail), action: 'return' };
  }
  if (status === 404 && aboutEnclave) {
    return {
      error: operationFailed(
        subject.operation,
        `enclave '${subject.enclave}' does not exist: ${detail}; create the enclave or set the right one`,
        { status: 404, retryable: false },
      ),
      action: 'return',
    };
  }
  if (status === 400 && lower.includes('ciphertext')) {
    return {
      error: new InvalidCiphertextError(
        `invalid ciphertext for key '${key ?? ''}': ${detail}; check the key name, version, ciphertext and context`,
        { reason: 'not-authentic' },
      ),
      action: 'return',
    };
  }
  if (status === 501) {
    return {
      error: new NotSupportedError(`${subject.operation} is not supported: ${detail}`),
      action: 'return',
    };
  }
  if (status === 502 || status === 503 || status === 504) {
    return {
      error: operationFailed(subject.operation, detail, { status, retryable: true }),
      action: 'next',
    };
  }
  if (status >= 500) {
    const malformed = MALFORMED_REQUEST.test(message);
    return {
      error: operationFailed(subject.operation, detail, { status, retryable: !malformed }),
      action: malformed ? 'return' : 'next-once',
    };
  }
  return {
    error: operationFailed(subject.operation, detail, { status, retryable: false }),
    action: 'return',
  };
}

function isKeyNotFound(lower: string): boolean {
  return lower.includes('key does not exist') || lower.includes('key not found');
}

function keyNotFound(
  key: string,
  version: number | undefined,
  lower: string,
  detail: string,
): KmsError {
  if (version !== undefined && version > 0 && lower.includes('version')) {
    return new KeyNotFoundError(key, {
      cause: detail,
      message: `key '${key}' has no version ${version}: ${detail}; pass a version the key has, or 0`,
    });
  }
  return new KeyNotFoundError(key, { cause: detail });
}

/** Removes control characters and cuts long messages. */
function clean(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed.
  const single = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return single.length > MAX_MESSAGE_LENGTH ? `${single.slice(0, MAX_MESSAGE_LENGTH)}…` : single;
}
