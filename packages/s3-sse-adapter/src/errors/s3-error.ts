/**
 * `S3Error`: an S3 API error (code, HTTP status, message) that an S3 server can send to its client
 * unchanged, plus a stable `reason` that programs can branch on.
 */

const MARKER = Symbol.for('@kmskit/s3-sse-adapter.S3Error');

/**
 * The cause of an `S3Error`, named after MinIO's internal error without its `Err` prefix where
 * MinIO has one.
 */
export type S3ErrorReason =
  | 'InvalidEncryptionMethod'
  | 'InvalidEncryptionKeyID'
  | 'InvalidEncryptionContext'
  | 'IncompatibleEncryptionMethod'
  | 'InvalidCustomerAlgorithm'
  | 'MissingCustomerKey'
  | 'MissingCustomerKeyMD5'
  | 'InvalidCustomerKey'
  | 'CustomerKeyMD5Mismatch'
  | 'SecretKeyMismatch'
  | 'InvalidSSEParameters'
  | 'InvalidEncryptionParameters'
  | 'EncryptedObject'
  | 'SSEMultipartEncrypted'
  | 'InsecureSSECustomerRequest'
  | 'EncryptionHeaderOnRead'
  | 'ObjectTampered'
  | 'EncryptionMetadata'
  | 'CompressedObject'
  | 'LegacyStaticKeyObject'
  | 'UnsupportedMetadata'
  | 'KMSNotConfigured'
  | 'KMSKeyNotFound'
  | 'KmsError'
  | 'MalformedBucketEncryption';

/** Options of the `S3Error` constructor. */
export interface S3ErrorOptions {
  /** The S3 error code sent in the `<Code>` element, such as `InvalidArgument`. */
  code: string;
  /** The HTTP status of the response. */
  status: number;
  /** The message sent in the `<Message>` element. It never contains key material. */
  message: string;
  /** A stable name of the cause, for programs. */
  reason: S3ErrorReason;
  /** The header or value at fault and how to fix it, for logs. It never contains secrets. */
  detail?: string;
  /** The underlying error, such as a `KmsError`. */
  cause?: unknown;
}

/**
 * An S3 API error raised by the SSE adapter.
 *
 * Use `S3Error.isInstance(error)` rather than `instanceof`: it also recognises errors from another
 * installed copy of this package.
 */
export class S3Error extends Error {
  readonly [MARKER] = true;
  /** The S3 error code, such as `InvalidArgument` or `AccessDenied`. */
  readonly code: string;
  /** The HTTP status of the response. */
  readonly status: number;
  /** A stable name of the cause. */
  readonly reason: S3ErrorReason;
  /** The header or value at fault and the fix, for logs, or `undefined` when the message is complete. */
  readonly detail: string | undefined;

  constructor(options: S3ErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'S3Error';
    this.code = options.code;
    this.status = options.status;
    this.reason = options.reason;
    this.detail = options.detail;
  }

  /** Reports whether `error` is an `S3Error` of any installed copy of this package. */
  static isInstance(error: unknown): error is S3Error {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as { [MARKER]?: unknown })[MARKER] === true
    );
  }

  /** Returns the fields an S3 error response carries, without the cause. */
  toJSON(): { name: string; code: string; status: number; reason: S3ErrorReason; message: string } {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      reason: this.reason,
      message: this.message,
    };
  }

  /**
   * Renders the S3 error document (`<Error><Code>…</Code><Message>…</Message>…</Error>`).
   *
   * @param resource the request path, sent as `<Resource>` when given.
   * @param requestId the request id, sent as `<RequestId>` when given.
   */
  toXML(resource?: string, requestId?: string): string {
    let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error>';
    xml += `<Code>${escapeXml(this.code)}</Code><Message>${escapeXml(this.message)}</Message>`;
    if (resource !== undefined) xml += `<Resource>${escapeXml(resource)}</Resource>`;
    if (requestId !== undefined) xml += `<RequestId>${escapeXml(requestId)}</RequestId>`;
    return `${xml}</Error>`;
  }
}

/** Escapes the five XML special characters of element text. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => XML_ESCAPES[char]!);
}

const XML_ESCAPES: Record<string, string> = {
  '<': '&lt;',
  '>': '&gt;',
  '&': '&amp;',
  "'": '&apos;',
  '"': '&quot;',
};
