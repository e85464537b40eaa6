/**
 * Multipart uploads. CreateMultipartUpload seals an object key as a PUT does and marks the upload
 * with `X-Minio-Internal-Encrypted-Multipart`. Each part is its own DARE stream under the part key
 * HMAC-SHA256(objectKey, uint32-LE(partNumber)) with a random nonce (a nonce derived from upload id
 * and part number would repeat when a part is uploaded twice). Part ETags are sealed with the
 * object key. CompleteMultipartUpload records the plaintext size.
 */

import type { KMS } from '@kmskit/core';
import { DareError } from '../dare/index.js';
import { s3Error } from '../errors/s3-errors.js';
import { type HeaderInput, headerView } from '../headers/header-lookup.js';
import { REQUEST_HEADERS } from '../headers/header-names.js';
import { type CustomerKey, parseSseCHeaders } from '../headers/sse-c-headers.js';
import { isSseCCopyRequested, isSseCRequested, type SseType } from '../headers/sse-detect.js';
import { clientETag } from '../keys/etag.js';
import { isCompressed, sseTypeOf } from '../metadata/metadata-detect.js';
import {
  getEntry,
  INTERNAL_CRYPTO_ENTRIES,
  META,
  type ObjectMetadata,
} from '../metadata/metadata-names.js';
import { decryptedPartSizes, derivePartKey } from '../range/index.js';
import type { StoredPart } from './decrypt-streams.js';
import { openObjectSeal } from './object-seal.js';
import { ObjectUpload } from './object-upload.js';
import { type ResponseHeaders, sseResponseHeaders } from './response-headers.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const MAX_PART_NUMBER = 10_000;

/** The request and stored state of UploadPart, UploadPartCopy or ListParts. */
export interface OpenMultipartInput {
  bucket: string;
  object: string;
  /** The metadata stored with the upload by `createMultipartUpload`. */
  uploadMetadata: ObjectMetadata;
  /** The part request's headers; SSE-C uploads need the SSE-C headers on every part. */
  headers?: HeaderInput;
  /** Whether the request came over TLS; SSE-C is rejected when `false`. @default true */
  secure?: boolean;
  /** Cancels the KMS call. */
  signal?: AbortSignal;
}

/** The input of `completeMultipartUpload`. */
export interface CompleteMultipartInput {
  /** The metadata stored with the upload by `createMultipartUpload`. */
  uploadMetadata: ObjectMetadata;
  /** The parts the object consists of, in order, with their stored sizes. */
  parts: readonly StoredPart[];
  /** The request headers; SSE-C headers, when sent, are checked and their key MD5 echoed. */
  headers?: HeaderInput;
}

/** The result of `completeMultipartUpload`. */
export interface CompletedMultipart {
  /** The SSE type, or `undefined` when the upload is not encrypted. */
  type: SseType | undefined;
  /** The entries to store with the object: the upload's encryption entries and the actual size. */
  metadata: Record<string, string>;
  /** The plaintext size of the object. */
  size: number;
  /** The SSE response headers, which AWS sends here and MinIO does not. */
  responseHeaders: ResponseHeaders;
}

/** An open multipart upload, for one part request. Call `dispose()` when the request is done. */
export class MultipartUpload {
  /** The SSE type, or `undefined` when the upload is not encrypted. */
  readonly type: SseType | undefined;
  /** The SSE response headers of part requests. */
  readonly responseHeaders: ResponseHeaders;
  readonly #hasContentMd5: boolean;
  #objectKey: Uint8Array | undefined;

  constructor(init: {
    type: SseType | undefined;
    objectKey?: Uint8Array;
    responseHeaders: ResponseHeaders;
    hasContentMd5: boolean;
  }) {
    this.type = init.type;
    this.responseHeaders = init.responseHeaders;
    this.#objectKey = init.objectKey;
    this.#hasContentMd5 = init.hasContentMd5;
  }

  /** Whether the upload is encrypted. */
  get encrypted(): boolean {
    return this.type !== undefined;
  }

  /**
   * Prepares the upload of part `partNumber` (1 to 10000): its body is encrypted under the part
   * key with a random DARE nonce, and `finish(md5)` seals its ETag with the object key.
   *
   * @throws {RangeError} for a part number outside 1 to 10000.
   */
  preparePart(partNumber: number): ObjectUpload {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
      throw new RangeError(
        `preparePart: the part number must be an integer from 1 to ${MAX_PART_NUMBER}, got ${partNumber}`,
      );
    }
    if (!this.encrypted) {
      return new ObjectUpload({
        type: undefined,
        metadata: {},
        responseHeaders: {},
        hasContentMd5: this.#hasContentMd5,
        partNumber,
      });
    }
    const objectKey = this.#key();
    return new ObjectUpload({
      type: this.type,
      dataKey: derivePartKey(objectKey, partNumber),
      objectKey: objectKey.slice(),
      metadata: {},
      responseHeaders: this.responseHeaders,
      hasContentMd5: this.#hasContentMd5,
      partNumber,
    });
  }

  /** Returns the ETag a client sees for a stored part ETag (ListParts, CompleteMultipartUpload checks). */
  partETag(storedETag: string): string {
    if (!this.encrypted) return storedETag;
    return clientETag(this.type!, storedETag, this.#key());
  }

  /** Overwrites the object key with zeros. */
  dispose(): void {
    this.#objectKey?.fill(0);
    this.#objectKey = undefined;
  }

  toJSON(): { type: SseType | undefined } {
    return { type: this.type };
  }

  [INSPECT](): string {
    return `MultipartUpload(type=${this.type ?? 'none'})`;
  }

  #key(): Uint8Array {
    if (!this.#objectKey) throw new TypeError('MultipartUpload: the upload was disposed');
    return this.#objectKey;
  }
}

/** Opens a multipart upload; see `SseAdapter.openMultipartUpload`. */
export async function openMultipartUpload(
  kms: KMS | undefined,
  input: OpenMultipartInput,
): Promise<MultipartUpload> {
  const view = headerView(input.headers);
  const hasContentMd5 = view.has(REQUEST_HEADERS.contentMd5);
  const type = sseTypeOf(input.uploadMetadata);
  const ssec = isSseCRequested(view);

  if (input.secure === false && (ssec || isSseCCopyRequested(view))) {
    throw s3Error('InsecureSSECustomerRequest', 'SSE-C headers arrived over plain HTTP: use HTTPS');
  }
  if (type === undefined) {
    if (ssec) {
      throw s3Error(
        'InvalidEncryptionParameters',
        'the upload is not encrypted: remove the SSE-C headers',
      );
    }
    return new MultipartUpload({ type: undefined, responseHeaders: {}, hasContentMd5 });
  }
  if (type === 'unknown' || isCompressed(input.uploadMetadata)) {
    throw s3Error('ObjectTampered', 'the upload has encryption metadata but no sealed key');
  }
  if (type === 'SSE-C' && !ssec) {
    throw s3Error(
      'SSEMultipartEncrypted',
      'the upload is SSE-C encrypted: send the SSE-C headers with every part',
    );
  }
  if (type !== 'SSE-C' && ssec) {
    throw s3Error(
      'SSEMultipartEncrypted',
      `the upload is ${type} encrypted: remove the SSE-C headers`,
    );
  }

  let customerKey: CustomerKey | undefined;
  try {
    customerKey = type === 'SSE-C' ? parseSseCHeaders(view) : undefined;
    const objectKey = await openObjectSeal(
      kms,
      type,
      input.uploadMetadata,
      customerKey,
      input.bucket,
      input.object,
      input.signal,
    );
    return new MultipartUpload({
      type,
      objectKey,
      responseHeaders: sseResponseHeaders(type, input.uploadMetadata, customerKey?.md5),
      hasContentMd5,
    });
  } finally {
    customerKey?.zero();
  }
}

/** Completes a multipart upload; see `SseAdapter.completeMultipartUpload`. */
export function completeMultipartUpload(input: CompleteMultipartInput): CompletedMultipart {
  const type = sseTypeOf(input.uploadMetadata);
  const storedSizes = input.parts.map((part) => part.size);
  if (type === undefined) {
    const size = storedSizes.reduce((sum, part) => sum + part, 0);
    return { type: undefined, metadata: {}, size, responseHeaders: {} };
  }
  if (type === 'unknown') {
    throw s3Error('ObjectTampered', 'the upload has encryption metadata but no sealed key');
  }

  let size: number;
  try {
    size = decryptedPartSizes(storedSizes).reduce((sum, part) => sum + part, 0);
  } catch (error) {
    if (!DareError.isInstance(error)) throw error;
    throw s3Error('ObjectTampered', `a stored part size is invalid: ${error.message}`, {
      cause: error,
    });
  }
  const metadata: Record<string, string> = {};
  for (const name of INTERNAL_CRYPTO_ENTRIES) {
    const value = getEntry(input.uploadMetadata, name);
    if (value !== undefined) metadata[name] = value;
  }
  metadata[META.encryptedMultipart] = '';
  metadata[META.actualSize] = String(size);
  // SSE-C clients need not repeat the key on completion; the key MD5 is echoed only when they do.
  let customerKeyMd5: string | undefined;
  if (type === 'SSE-C' && isSseCRequested(headerView(input.headers))) {
    const key = parseSseCHeaders(input.headers ?? {});
    customerKeyMd5 = key.md5;
    key.zero();
  }
  const responseHeaders = sseResponseHeaders(type, input.uploadMetadata, customerKeyMd5);
  return { type, metadata, size, responseHeaders };
}
