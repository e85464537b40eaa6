/**
 * `createSseAdapter`: server-side encryption for an S3 server in a few calls per request.
 *
 *     const sse = createSseAdapter({ kms });
 *     // PUT
 *     const upload = await sse.prepareUpload({ bucket, object, headers });
 *     // ...pipe the body through upload.createEncryptStream() into storage, hashing the plaintext
 *     const { etag, clientETag } = upload.finish(md5);
 *     // store upload.metadata and etag; send upload.responseHeaders and clientETag
 *     // GET
 *     const reader = await sse.openObject({ bucket, object, headers, method: 'GET', metadata, size, etag });
 *     const read = reader.read(headers.range);
 *     // ...stream stored bytes [read.storedOffset, +read.storedLength) through read.createDecryptStream()
 */

import { KeyNotFoundError, type KMS } from '@kmskit/core';
import type { BucketEncryptionConfig } from '../bucket/bucket-encryption.js';
import { fromKmsError, s3Error } from '../errors/s3-errors.js';
import { type HeaderInput, headerView } from '../headers/header-lookup.js';
import { REQUEST_HEADERS } from '../headers/header-names.js';
import { parseSseCCopyHeaders, parseSseCHeaders } from '../headers/sse-c-headers.js';
import { isSseCCopyRequested, type SseType } from '../headers/sse-detect.js';
import { clientETag } from '../keys/etag.js';
import { isCompressed, isMultipart, sseTypeOf } from '../metadata/metadata-detect.js';
import { META, type ObjectMetadata } from '../metadata/metadata-names.js';
import { decryptedPartSizes } from '../range/index.js';
import type { StoredPart } from './decrypt-streams.js';
import {
  type CustomerKeyRotationInput,
  type KmsRotationInput,
  type RotatedMetadata,
  rotateCustomerKey,
  rotateKmsKey,
} from './key-rotation.js';
import {
  type CompletedMultipart,
  type CompleteMultipartInput,
  completeMultipartUpload,
  type MultipartUpload,
  type OpenMultipartInput,
  openMultipartUpload,
} from './multipart-upload.js';
import { ObjectReader } from './object-reader.js';
import { createObjectSeal, openObjectSeal } from './object-seal.js';
import { ObjectUpload } from './object-upload.js';
import { checkReadRequest } from './read-checks.js';
import { type ResponseHeaders, sseResponseHeaders } from './response-headers.js';
import { type AutoEncryption, resolveWriteEncryption } from './write-encryption.js';

/** Options of `createSseAdapter`. */
export interface SseAdapterOptions {
  /**
   * The KMS client for SSE-S3 and SSE-KMS. Without it those requests fail with 501
   * `NotImplemented`; SSE-C works without a KMS.
   */
  kms?: KMS;
  /**
   * Encrypts writes that ask for no SSE and whose bucket has no default encryption. MinIO's
   * `MINIO_KMS_AUTO_ENCRYPTION=on` corresponds to `'SSE-KMS'` with the KMS default key.
   * @default undefined (no automatic encryption)
   */
  autoEncryption?: AutoEncryption;
}

/** The request of a write: PUT, POST, CreateMultipartUpload or a copy destination. */
export interface WriteInput {
  bucket: string;
  object: string;
  /** The request headers (plain object, `Headers` or Node's `IncomingHttpHeaders`). */
  headers?: HeaderInput;
  /** The bucket's default encryption: a parsed configuration or its stored XML. */
  bucketEncryption?: BucketEncryptionConfig | string;
  /** The write is the destination of CopyObject, so copy-source SSE-C headers are allowed. */
  copyDestination?: boolean;
  /** Whether the request came over TLS; SSE-C is rejected when `false`. @default true */
  secure?: boolean;
  /** Cancels the KMS call. */
  signal?: AbortSignal;
}

/** The request and stored state of a read: GET, HEAD, or the source of a copy. */
export interface ReadInput {
  bucket: string;
  object: string;
  /** The stored metadata (at least the `X-Minio-Internal-*` entries the adapter wrote). */
  metadata: ObjectMetadata;
  headers?: HeaderInput;
  /** `GET` and `HEAD` reject `X-Amz-Server-Side-Encryption` as S3 does. */
  method?: string;
  /** The stored size of a single-part object; required unless `parts` is given. */
  size?: number;
  /** The stored ETag. */
  etag?: string;
  /** The stored parts of a multipart object, in order. */
  parts?: readonly StoredPart[];
  /** The object is the source of a copy: SSE-C keys come from the copy-source headers. */
  copySource?: boolean;
  /** Whether the request came over TLS; SSE-C is rejected when `false`. @default true */
  secure?: boolean;
  /** Cancels the KMS call. */
  signal?: AbortSignal;
}

/** The result of `createMultipartUpload`. */
export interface MultipartInit {
  /** The SSE type, or `undefined` when the upload is not encrypted. */
  type: SseType | undefined;
  /** The entries to store with the upload (sealed key and multipart marker). */
  metadata: Record<string, string>;
  /** The SSE response headers, which AWS sends here and MinIO does not. */
  responseHeaders: ResponseHeaders;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MINIO_ADMIN_CONTEXT = { 'MinIO admin API': 'ServerInfoHandler' };

/** Creates the SSE adapter of an S3 server. */
export function createSseAdapter(options: SseAdapterOptions = {}): SseAdapter {
  return new SseAdapter(options);
}

/** Server-side encryption for an S3 server. Create it with `createSseAdapter`. */
export class SseAdapter {
  readonly #kms: KMS | undefined;
  readonly #autoEncryption: AutoEncryption | undefined;

  constructor(options: SseAdapterOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('createSseAdapter: options must be an object');
    }
    const { kms, autoEncryption } = options;
    if (kms !== undefined && (typeof kms !== 'object' || typeof kms.generateKey !== 'function')) {
      throw new TypeError('createSseAdapter: option `kms` must be a KMS client from createKMS');
    }
    if (
      autoEncryption !== undefined &&
      autoEncryption !== 'SSE-S3' &&
      autoEncryption !== 'SSE-KMS'
    ) {
      throw new TypeError(
        `createSseAdapter: option \`autoEncryption\` must be 'SSE-S3' or 'SSE-KMS', got ${String(autoEncryption)}`,
      );
    }
    this.#kms = kms;
    this.#autoEncryption = autoEncryption;
  }

  /**
   * Prepares a PUT (or POST, or a copy destination): decides the encryption, generates and seals
   * the object key (one KMS call for SSE-S3 and SSE-KMS) and returns the upload.
   *
   * @throws {S3Error} for invalid or conflicting SSE headers, a missing KMS (501), an unknown
   *   SSE-KMS key (400 `KMS.NotFoundException`) and other KMS failures.
   */
  async prepareUpload(input: WriteInput): Promise<ObjectUpload> {
    checkNames(input, 'prepareUpload');
    const request = resolveWriteEncryption(input, this.#autoEncryption);
    const hasContentMd5 = headerView(input.headers).has(REQUEST_HEADERS.contentMd5);
    if (!request) {
      return new ObjectUpload({
        type: undefined,
        metadata: {},
        responseHeaders: {},
        hasContentMd5,
      });
    }
    try {
      const seal = await createObjectSeal(
        this.#kms,
        request,
        input.bucket,
        input.object,
        input.signal,
      );
      return new ObjectUpload({
        type: seal.type,
        dataKey: seal.objectKey.slice(),
        objectKey: seal.objectKey,
        metadata: seal.metadata,
        responseHeaders: sseResponseHeaders(seal.type, seal.metadata, seal.customerKeyMd5),
        hasContentMd5,
      });
    } finally {
      if (request.type === 'SSE-C') request.key.zero();
    }
  }

  /**
   * Starts a multipart upload: the same decisions and seal as `prepareUpload`, plus the
   * `X-Minio-Internal-Encrypted-Multipart` marker. Store `metadata` with the upload.
   */
  async createMultipartUpload(input: WriteInput): Promise<MultipartInit> {
    const upload = await this.prepareUpload(input);
    upload.dispose();
    if (!upload.encrypted) return { type: undefined, metadata: {}, responseHeaders: {} };
    return {
      type: upload.type,
      metadata: { ...upload.metadata, [META.encryptedMultipart]: '' },
      responseHeaders: upload.responseHeaders,
    };
  }

  /**
   * Opens a multipart upload for UploadPart, UploadPartCopy or ListParts: recovers the object key
   * from the upload's metadata (one KMS call for SSE-S3 and SSE-KMS; SSE-C parts must carry the
   * SSE-C headers).
   */
  openMultipartUpload(input: OpenMultipartInput): Promise<MultipartUpload> {
    checkNames(input, 'openMultipartUpload');
    return openMultipartUpload(this.#kms, input);
  }

  /**
   * Completes a multipart upload: returns the entries to store with the object (the upload's
   * encryption entries and `X-Minio-Internal-actual-size`) and the response headers. No KMS call.
   */
  completeMultipartUpload(input: CompleteMultipartInput): CompletedMultipart {
    return completeMultipartUpload(input);
  }

  /**
   * Opens a stored object for GET, HEAD or as a copy source: checks the request's SSE headers
   * against the object, recovers the object key (one KMS call for SSE-S3 and SSE-KMS) and returns
   * the reader. Unencrypted objects get a pass-through reader.
   *
   * @throws {S3Error} `BadRequest`, `InvalidRequest` or `InvalidArgument` (400) for headers that
   *   do not fit the object, `AccessDenied` (403) for a wrong SSE-C key, `XMinioObjectTampered`,
   *   `XMinioEncryptionError` for malformed metadata, `NotImplemented` (501) for objects MinIO
   *   compressed before encrypting, and KMS errors.
   */
  async openObject(input: ReadInput): Promise<ObjectReader> {
    checkNames(input, 'openObject');
    const view = headerView(input.headers);
    const copySource = input.copySource === true || view.has(REQUEST_HEADERS.copySource);
    const partSizes = input.parts?.map((part) => part.size);
    const type = checkReadRequest({
      metadata: input.metadata,
      headers: view,
      method: input.method,
      storedSize: input.size,
      partSizes,
      copySource,
    });
    const storedETag = input.etag ?? '';

    if (type === undefined) {
      if (copySource && isSseCCopyRequested(view)) {
        throw s3Error(
          'InvalidEncryptionParameters',
          'the copy source is not encrypted: remove the copy-source SSE-C headers',
        );
      }
      const size = input.size ?? (partSizes ?? []).reduce((sum, part) => sum + part, 0);
      return new ObjectReader({
        type: undefined,
        plaintextPartSizes: [size],
        parts: undefined,
        etag: storedETag,
        responseHeaders: {},
      });
    }
    if (isCompressed(input.metadata)) {
      throw s3Error(
        'CompressedObject',
        `${input.bucket}/${input.object} is compressed and encrypted`,
      );
    }
    if (type === 'unknown') {
      throw s3Error(
        'ObjectTampered',
        `${input.bucket}/${input.object} has encryption metadata but no sealed key`,
      );
    }
    if (type === 'SSE-S3' && copySource && isSseCCopyRequested(view)) {
      throw s3Error(
        'IncompatibleEncryptionMethod',
        'the copy source is SSE-S3 encrypted: remove the copy-source SSE-C headers',
      );
    }

    const customerKey =
      type === 'SSE-C'
        ? copySource
          ? parseSseCCopyHeaders(view)
          : parseSseCHeaders(view)
        : undefined;
    if (customerKey && input.secure === false) {
      customerKey.zero();
      throw s3Error(
        'InsecureSSECustomerRequest',
        'SSE-C headers arrived over plain HTTP: use HTTPS',
      );
    }
    try {
      const objectKey = await openObjectSeal(
        this.#kms,
        type,
        input.metadata,
        customerKey,
        input.bucket,
        input.object,
        input.signal,
      );
      const multipart =
        isMultipart(input.metadata) && input.parts !== undefined && storedETag.length !== 32;
      const parts = multipart ? [...input.parts!] : undefined;
      const plaintextPartSizes = parts
        ? decryptedPartSizes(parts.map((part) => part.size))
        : decryptedPartSizes([requireSize(input)]);
      return new ObjectReader({
        type,
        objectKey,
        plaintextPartSizes,
        parts,
        etag: readableETag(type, storedETag, objectKey, multipart),
        responseHeaders: sseResponseHeaders(type, input.metadata, customerKey?.md5),
      });
    } finally {
      customerKey?.zero();
    }
  }

  /**
   * Returns the ETag a listing (ListObjects, ListObjectVersions) shows for a stored object, as
   * MinIO does. SSE-S3 single-part ETags are unsealed, which takes one KMS call. SSE-KMS and SSE-C
   * ETags show their last 32 hex characters. Multipart and unencrypted ETags are returned as
   * stored. No SSE-C key is needed.
   */
  async listingETag(input: {
    bucket: string;
    object: string;
    metadata: ObjectMetadata;
    etag: string;
    signal?: AbortSignal;
  }): Promise<string> {
    checkNames(input, 'listingETag');
    const type = sseTypeOf(input.metadata);
    if (type === undefined || type === 'unknown') return input.etag;
    const multipart = isMultipart(input.metadata) && input.etag.includes('-');
    if (type !== 'SSE-S3' || multipart || input.etag.length === 32) {
      return clientETag(type, input.etag, undefined, { multipart });
    }
    const objectKey = await openObjectSeal(
      this.#kms,
      type,
      input.metadata,
      undefined,
      input.bucket,
      input.object,
      input.signal,
    );
    try {
      return readableETag(type, input.etag, objectKey, false);
    } finally {
      objectKey.fill(0);
    }
  }

  /**
   * Rotates the SSE-C key of an object in place (CopyObject onto itself with copy-source SSE-C
   * headers for the old key and SSE-C headers for the new one): reseals the same object key with
   * the new key and the stored IV. The data and the ETag stay as they are.
   */
  rotateCustomerKey(input: CustomerKeyRotationInput): RotatedMetadata {
    checkNames(input, 'rotateCustomerKey');
    return rotateCustomerKey(input);
  }

  /**
   * Rotates the KMS data key of an SSE-S3 or SSE-KMS object: unseals the object key through the
   * KMS and reseals it under a fresh data key and IV, optionally with another key or context, or
   * from SSE-S3 to SSE-KMS. SSE-KMS objects cannot become SSE-S3 objects. Two KMS calls.
   */
  rotateKmsKey(input: KmsRotationInput): Promise<RotatedMetadata> {
    checkNames(input, 'rotateKmsKey');
    return rotateKmsKey(this.#kms, input);
  }

  /**
   * Checks a bucket encryption configuration against the KMS before it is stored, as MinIO's
   * PutBucketEncryption does: a KMS must be configured, and a named key must exist (a data key is
   * generated with it).
   *
   * @throws {S3Error} 501 `NotImplemented` without a KMS, 400 `KMS.NotFoundException` for an
   *   unknown key, the KMS error's own code otherwise.
   */
  async checkBucketEncryption(
    config: BucketEncryptionConfig,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    if (!this.#kms) {
      throw s3Error(
        'KMSNotConfigured',
        'bucket encryption needs a KMS: pass `kms` to createSseAdapter',
      );
    }
    if (config.keyId === '') return;
    try {
      const key = await this.#kms.generateKey(
        { name: config.keyId, context: MINIO_ADMIN_CONTEXT },
        { signal: options.signal },
      );
      key.zero();
    } catch (error) {
      if (KeyNotFoundError.isInstance(error)) {
        throw s3Error('KMSKeyNotFound', `the KMS key '${config.keyId}' does not exist`, {
          cause: error,
        });
      }
      throw fromKmsError(error);
    }
  }

  toString(): string {
    return `SseAdapter(kms=${this.#kms ? this.#kms.type : 'none'})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/**
 * Returns the client ETag of an opened object. An SSE-S3 ETag that does not unseal is returned as
 * stored, as MinIO does.
 */
function readableETag(
  type: SseType,
  stored: string,
  objectKey: Uint8Array,
  multipart: boolean,
): string {
  try {
    return clientETag(type, stored, objectKey, { multipart });
  } catch {
    return stored;
  }
}

function requireSize(input: ReadInput): number {
  if (input.size === undefined) {
    throw new TypeError('openObject: pass `size` (the stored size) or `parts`');
  }
  return input.size;
}

function checkNames(input: { bucket?: unknown; object?: unknown }, operation: string): void {
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(
      `${operation}: the argument must be an object with \`bucket\` and \`object\``,
    );
  }
  for (const field of ['bucket', 'object'] as const) {
    const value = input[field];
    if (typeof value !== 'string' || value === '') {
      throw new TypeError(`${operation}: \`${field}\` must be a non-empty string`);
    }
    if (LONE_SURROGATE.test(value)) {
      throw new TypeError(`${operation}: \`${field}\` contains an unpaired UTF-16 surrogate`);
    }
  }
}
