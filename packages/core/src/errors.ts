/**
 * The `KmsError` family: every failure of a KMS operation carries MinIO's API code and the HTTP
 * status an S3 server should return, so callers can pass it on unchanged.
 */

const MARKER = Symbol.for('@kmskit/core.KmsError');

/** API codes used by kmskit. MinIO's codes where MinIO has one, `kms:` codes of our own otherwise. */
export type KmsErrorCode =
  | 'kms:KeyNotFound'
  | 'kms:KeyAlreadyExists'
  | 'kms:NotAuthorized'
  | 'kms:InvalidCiphertextException'
  | 'kms:NotSupported'
  | 'kms:KeyCreationFailed'
  | 'kms:KeyDeletionFailed'
  | 'kms:KeyListingFailed'
  | 'kms:KeyGenerationFailed'
  | 'kms:DecryptionFailed'
  | 'kms:MACFailed'
  | 'kms:InternalError'
  | 'kms:InvalidKeyName'
  | 'kms:InvalidContext'
  | 'kms:Timeout'
  | 'kms:Canceled'
  | 'kms:InvalidResponse'
  | 'kms:TLSError';

/** Options of the `KmsError` constructor. */
export interface KmsErrorOptions {
  /** The API code, such as `kms:KeyNotFound`. */
  code: KmsErrorCode;
  /** The HTTP status an S3 or admin API should answer with. */
  status: number;
  /** The message. It must never contain key material, API keys or plaintext. */
  message: string;
  /** Whether the same request may succeed when sent again, possibly to another endpoint. */
  retryable?: boolean;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * Base class of every error that a KMS operation throws on purpose.
 *
 * Use `KmsError.isInstance(error)` rather than `instanceof`: it recognises errors from another
 * installed copy of `@kmskit/core` too.
 */
export class KmsError extends Error {
  readonly [MARKER] = true;
  readonly code: KmsErrorCode;
  readonly status: number;
  readonly retryable: boolean;

  constructor(options: KmsErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KmsError';
    this.code = options.code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }

  /** Reports whether `error` is a `KmsError` of any installed copy of `@kmskit/core`. */
  static isInstance(error: unknown): error is KmsError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { [MARKER]?: unknown })[MARKER] === true
    );
  }

  /** Returns the MinIO admin API form `{ Code, Message }`, without the cause. */
  toJSON(): { name: string; code: KmsErrorCode; status: number; message: string } {
    return { name: this.name, code: this.code, status: this.status, message: this.message };
  }
}

type Subclass<E extends KmsError> = { isInstance(error: unknown): error is E };

function byCode<E extends KmsError>(...codes: KmsErrorCode[]): Subclass<E>['isInstance'] {
  return (error: unknown): error is E => KmsError.isInstance(error) && codes.includes(error.code);
}

/** The key does not exist (`kms:KeyNotFound`, 404). */
export class KeyNotFoundError extends KmsError {
  constructor(keyName: string, options: { cause?: unknown; message?: string } = {}) {
    super({
      code: 'kms:KeyNotFound',
      status: 404,
      message:
        options.message ??
        `key '${keyName}' does not exist: create it first or use an existing key name`,
      cause: options.cause,
    });
    this.name = 'KeyNotFoundError';
  }
  static override isInstance = byCode<KeyNotFoundError>('kms:KeyNotFound');
}

/** The key exists already (`kms:KeyAlreadyExists`, 409). */
export class KeyExistsError extends KmsError {
  constructor(keyName: string, options: { cause?: unknown } = {}) {
    super({
      code: 'kms:KeyAlreadyExists',
      status: 409,
      message: `key '${keyName}' already exists: choose another name or use the existing key`,
      cause: options.cause,
    });
    this.name = 'KeyExistsError';
  }
  static override isInstance = byCode<KeyExistsError>('kms:KeyAlreadyExists');
}

/** The KMS identity may not perform the operation (`kms:NotAuthorized`, 403). */
export class NotAuthorizedError extends KmsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super({ code: 'kms:NotAuthorized', status: 403, message, cause: options.cause });
    this.name = 'NotAuthorizedError';
  }
  static override isInstance = byCode<NotAuthorizedError>('kms:NotAuthorized');
}

/**
 * A ciphertext could not be decrypted (`kms:InvalidCiphertextException`, 400): it is malformed, or
 * it is not authentic for this key and context. Never retried on another endpoint.
 */
export class InvalidCiphertextError extends KmsError {
  /** `malformed` when the bytes cannot be parsed, `not-authentic` when authentication failed. */
  readonly reason: 'malformed' | 'not-authentic';

  constructor(
    message: string,
    options: { reason?: 'malformed' | 'not-authentic'; cause?: unknown } = {},
  ) {
    super({ code: 'kms:InvalidCiphertextException', status: 400, message, cause: options.cause });
    this.name = 'InvalidCiphertextError';
    this.reason = options.reason ?? 'not-authentic';
  }
  static override isInstance = byCode<InvalidCiphertextError>('kms:InvalidCiphertextException');
}

/** The connector or server does not support the operation (`kms:NotSupported`, 501). */
export class NotSupportedError extends KmsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super({ code: 'kms:NotSupported', status: 501, message, cause: options.cause });
    this.name = 'NotSupportedError';
  }
  static override isInstance = byCode<NotSupportedError>('kms:NotSupported');
}

/** A key or enclave name is not valid (`kms:InvalidKeyName`, 400); nothing was sent. */
export class InvalidKeyNameError extends KmsError {
  constructor(message: string) {
    super({ code: 'kms:InvalidKeyName', status: 400, message });
    this.name = 'InvalidKeyNameError';
  }
  static override isInstance = byCode<InvalidKeyNameError>('kms:InvalidKeyName');
}

/** A context cannot be encoded (`kms:InvalidContext`, 400). */
export class InvalidContextError extends KmsError {
  constructor(message: string) {
    super({ code: 'kms:InvalidContext', status: 400, message });
    this.name = 'InvalidContextError';
  }
  static override isInstance = byCode<InvalidContextError>('kms:InvalidContext');
}

/** A request or the whole call ran past its time limit (`kms:Timeout`, 504). */
export class KmsTimeoutError extends KmsError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super({ code: 'kms:Timeout', status: 504, message, retryable: true, cause: options.cause });
    this.name = 'KmsTimeoutError';
  }
  static override isInstance = byCode<KmsTimeoutError>('kms:Timeout');
}

/** The caller aborted the call through its `AbortSignal` (`kms:Canceled`, 499). */
export class CanceledError extends KmsError {
  constructor(
    message = 'the KMS call was canceled by its AbortSignal',
    options: { cause?: unknown } = {},
  ) {
    super({ code: 'kms:Canceled', status: 499, message, cause: options.cause });
    this.name = 'CanceledError';
  }
  static override isInstance = byCode<CanceledError>('kms:Canceled');
}

/** The KMS answered with something that is not a valid response (`kms:InvalidResponse`, 502). */
export class InvalidResponseError extends KmsError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super({
      code: 'kms:InvalidResponse',
      status: 502,
      message,
      retryable: options.retryable ?? false,
      cause: options.cause,
    });
    this.name = 'InvalidResponseError';
  }
  static override isInstance = byCode<InvalidResponseError>('kms:InvalidResponse');
}

/** The TLS handshake with an endpoint failed (`kms:TLSError`, 502): a certificate or trust problem. */
export class KmsTlsError extends KmsError {
  /** The endpoint whose handshake failed. */
  readonly endpoint: string;

  constructor(endpoint: string, message: string, options: { cause?: unknown } = {}) {
    super({ code: 'kms:TLSError', status: 502, message, retryable: true, cause: options.cause });
    this.name = 'KmsTlsError';
    this.endpoint = endpoint;
  }
  static override isInstance = byCode<KmsTlsError>('kms:TLSError');
}

/** Operations of the `KMS` client, used as metric labels and in error codes. */
export type KmsOperation =
  | 'createKey'
  | 'deleteKey'
  | 'listKeys'
  | 'generateKey'
  | 'decrypt'
  | 'mac'
  | 'version'
  | 'status';

const FAILED_CODES: Record<KmsOperation, { code: KmsErrorCode; text: string }> = {
  createKey: { code: 'kms:KeyCreationFailed', text: 'failed to create KMS key' },
  deleteKey: { code: 'kms:KeyDeletionFailed', text: 'failed to delete KMS key' },
  listKeys: { code: 'kms:KeyListingFailed', text: 'failed to list keys at the KMS' },
  generateKey: {
    code: 'kms:KeyGenerationFailed',
    text: 'failed to generate data key with KMS key',
  },
  decrypt: { code: 'kms:DecryptionFailed', text: 'failed to decrypt ciphertext with KMS key' },
  mac: { code: 'kms:MACFailed', text: 'failed to compute MAC with KMS key' },
  version: { code: 'kms:InternalError', text: 'failed to read the KMS version' },
  status: { code: 'kms:InternalError', text: 'failed to read the KMS status' },
};

/**
 * Creates the operation's `…Failed` error (`kms:KeyGenerationFailed` for `generateKey`, and so on)
 * for a failure that no more specific class describes. `status` defaults to 500.
 */
export function operationFailed(
  operation: KmsOperation,
  detail: string,
  options: { status?: number; retryable?: boolean; cause?: unknown } = {},
): KmsError {
  const { code, text } = FAILED_CODES[operation];
  const status = options.status ?? 500;
  return new KmsError({
    code,
    status,
    message: detail ? `${text}: ${detail}` : text,
    retryable: options.retryable ?? status >= 500,
    cause: options.cause,
  });
}
