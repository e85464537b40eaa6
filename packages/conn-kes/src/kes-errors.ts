/**
 * Mapping of KES error responses and transport failures to `KmsError`s, by HTTP status first and the
 * message second, because KES versions word their messages differently. Each mapping also decides
 * whether the call may move on to another endpoint.
 */

import {
  InvalidCiphertextError,
  InvalidKeyNameError,
  InvalidResponseError,
  KeyExistsError,
  KeyNotFoundError,
  type KmsError,
  type KmsOperation,
  KmsTimeoutError,
  KmsTlsError,
  NotAuthorizedError,
  NotSupportedError,
  operationFailed,
} from '@kmskit/core';
import type { KesHttpResponse, KesTransportError } from './kes-transport.js';
import { excerpt, parseJsonObject, stringField } from './kes-wire.js';

/** The context of a failed attempt, for messages. */
export interface KesErrorScope {
  /** The operation whose `…Failed` code unrecognised errors get. */
  operation: KmsOperation;
  /** The KES API for messages, such as `generate` or `describe`. */
  api: string;
  /** The key name, for key operations. */
  name?: string | undefined;
  /** The endpoint URL. */
  endpoint: string;
  /** The client's identity, which is public and helps fix policies. */
  identity: string;
}

/**
 * The effect of a failed attempt on the call: `next` moves on to the next endpoint, `stop` ends the
 * call with this error.
 */
export type KesFailover = 'next' | 'stop';

/** A mapped failure. */
export interface KesAttemptFailure {
  error: KmsError;
  failover: KesFailover;
}

const KEY_MISSING = /\bkey\b.*\b(does not|doesn't|not) (exist|found)\b/i;
const KEY_EXISTS = /\bkey\b.*\b(already exists?|does already exist)\b/i;
const DECRYPTION_FAILED = /decryption failed|not authentic/i;
const INVALID_NAME =
  /invalid argument: name|name (is empty|is too long|contains invalid character)|key name '.*' is empty, too long or contains invalid characters/i;
/** Messages of a 500 caused by our own request body: sending it elsewhere cannot help. */
const MALFORMED_REQUEST = /^(unexpected )?EOF$|^illegal base64/i;
const CLIENT_CERTIFICATE = /^tls: |client certificates? (is|are) |insecure connection/i;

/**
 * Maps an HTTP error response (status 300 and above).
 *
 * Failover: 500, 502, 503 and 504 move on to the next endpoint. A 500 whose message shows that
 * our request was malformed (`EOF`, `unexpected EOF`, `illegal base64 …`) stops the call, and so
 * do 501 and every 3xx and 4xx.
 */
export function errorFromResponse(
  scope: KesErrorScope,
  response: KesHttpResponse,
): KesAttemptFailure {
  const { status } = response;
  const message = serverMessage(response);
  const key = scope.name === undefined ? '' : ` key '${scope.name}'`;
  const at = `${scope.api}${key}: ${scope.endpoint} responded ${status} ${excerpt(message)}`;

  if (status >= 300 && status < 400) {
    const target = response.location ? ` to ${excerpt(response.location)}` : '';
    return stop(
      new InvalidResponseError(
        `${scope.api}${key}: ${scope.endpoint} responded with a ${status} redirect${target}; KES servers do not redirect, so check the endpoint URL`,
      ),
    );
  }
  if (status === 502 || status === 503 || status === 504) {
    return next(operationFailed(scope.operation, at, { status, retryable: true }));
  }
  if (status === 500) {
    if (MALFORMED_REQUEST.test(message)) {
      return stop(
        operationFailed(
          scope.operation,
          `${at}: the server could not read the request body, which points to a client defect`,
          { status: 500, retryable: false },
        ),
      );
    }
    return next(operationFailed(scope.operation, at, { status: 500, retryable: true }));
  }
  if (status === 501) {
    return stop(
      new NotSupportedError(
        `${scope.api}: ${scope.endpoint} does not implement this API (501${message ? ` ${excerpt(message)}` : ''}); ${scope.api === 'hmac' ? 'HMAC needs KES v0.23 or later' : 'upgrade the KES server'}`,
      ),
    );
  }
  if (status === 401 || status === 403) {
    return stop(
      new NotAuthorizedError(
        `${scope.api}${key}: not authorized at ${scope.endpoint} (${status} ${excerpt(message)}): give identity ${scope.identity} a policy that allows this API`,
      ),
    );
  }
  if (status >= 400 && status < 500) return stop(clientError(scope, status, message, at));
  return stop(operationFailed(scope.operation, at, { status, retryable: status >= 500 }));
}

function clientError(scope: KesErrorScope, status: number, message: string, at: string): KmsError {
  const name = scope.name ?? '';
  if ((status === 400 || status === 404) && KEY_MISSING.test(message)) {
    return new KeyNotFoundError(name);
  }
  if ((status === 400 || status === 409) && KEY_EXISTS.test(message))
    return new KeyExistsError(name);
  if (status === 400 && DECRYPTION_FAILED.test(message)) {
    return new InvalidCiphertextError(
      `decryption with key '${name}' failed: the ciphertext is not authentic for this key and context`,
    );
  }
  if (status === 400 && INVALID_NAME.test(message)) {
    return new InvalidKeyNameError(
      `invalid key name ${JSON.stringify(name)}: ${scope.endpoint} rejected it (${excerpt(message)})`,
    );
  }
  if (status === 400 && CLIENT_CERTIFICATE.test(message)) {
    return new NotAuthorizedError(
      `${scope.api}: ${scope.endpoint} did not accept the client certificate (${excerpt(message)}): present exactly one client certificate (identity ${scope.identity})`,
    );
  }
  return operationFailed(scope.operation, at, { status, retryable: false });
}

/**
 * Maps a failure without a usable response. Every kind moves on to the next endpoint except a
 * response that is too large, because it is the server's response and not a fault of the path to it.
 * Cancellation is handled by the caller before this is reached.
 */
export function errorFromTransport(
  scope: KesErrorScope,
  failure: KesTransportError,
): KesAttemptFailure {
  const what = `${scope.api}${scope.name === undefined ? '' : ` key '${scope.name}'`}`;
  switch (failure.failure) {
    case 'timeout':
      return next(
        new KmsTimeoutError(
          `${what}: ${scope.endpoint}: ${failure.message}; raise \`requestTimeoutMs\` or check the server`,
          {
            cause: failure,
          },
        ),
      );
    case 'too-large':
      return stop(
        new InvalidResponseError(
          `${what}: ${scope.endpoint}: ${failure.message}, more than any KES response; check that the endpoint is a KES server`,
          {
            cause: failure,
          },
        ),
      );
    case 'tls-server':
      return next(
        new KmsTlsError(
          scope.endpoint,
          `${what}: TLS handshake with ${scope.endpoint} failed: ${serverCertificateHint(failure)}`,
          {
            cause: failure,
          },
        ),
      );
    case 'tls-client':
      return next(
        new KmsTlsError(
          scope.endpoint,
          `${what}: ${scope.endpoint} rejected the TLS connection (${failure.code ?? 'no alert'}: ${failure.message}); it most likely does not accept the client certificate of identity ${scope.identity}: check the server's client CA (KES v0.22 verifies client certificates, so API keys need --auth=off) and its policies`,
          { cause: failure },
        ),
      );
    default:
      return next(
        operationFailed(
          scope.operation,
          `${what}: cannot reach ${scope.endpoint}: ${failure.code ?? failure.message}`,
          {
            status: 503,
            retryable: true,
            cause: failure,
          },
        ),
      );
  }
}

function serverCertificateHint(failure: KesTransportError): string {
  if (failure.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || failure.code === 'HOSTNAME_MISMATCH') {
    return `the server certificate is not valid for this host (${failure.code}): use the host name the certificate names, or set \`serverName\``;
  }
  if (failure.code === 'CERT_HAS_EXPIRED' || failure.code === 'CERT_NOT_YET_VALID') {
    return `the server certificate is outside its validity period (${failure.code}): renew it`;
  }
  return `the server certificate is not trusted (${failure.code}): set \`ca\` or \`caPath\` to the CA that issued it`;
}

/**
 * Returns the server's error text. JSON bodies give `error` if non-empty, else `message`, as
 * KES's Go client reads them; a body that is not JSON is the text itself.
 */
export function serverMessage(response: KesHttpResponse): string {
  const text = response.body.trim();
  if (response.contentType.startsWith('application/json') || text.startsWith('{')) {
    try {
      const object = parseJsonObject(text, 'error response');
      const error = stringField(object, 'error');
      if (error) return error;
      return stringField(object, 'message') ?? text;
    } catch {
      return text;
    }
  }
  return text;
}

function next(error: KmsError): KesAttemptFailure {
  return { error, failover: 'next' };
}

function stop(error: KmsError): KesAttemptFailure {
  return { error, failover: 'stop' };
}
