/**
 * `ObjectUpload`: the write side of one object or part. It encrypts the body (buffer or stream)
 * and, once the body is written, seals the ETag. An unencrypted upload has the same interface and
 * passes the body through, so an S3 server's PUT path needs no branch.
 */

import { randomBytes } from 'node:crypto';
import { type Duplex, PassThrough } from 'node:stream';
import { DareEncryptor, encryptDare, encryptedSize } from '../dare/index.js';
import type { SseType } from '../headers/sse-detect.js';
import { clientETag, sealETag } from '../keys/etag.js';
import { toHex } from '../util/go-base64.js';
import { engineTransform, engineWebStream } from './engine-streams.js';
import type { ResponseHeaders } from './response-headers.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** The ETags of a written object or part. */
export interface UploadETags {
  /** The ETag to store: the sealed ETag in hex for encrypted uploads, else the MD5 in hex. */
  etag: string;
  /** The ETag to send to the client (without quotes). */
  clientETag: string;
}

/** The parts of an `ObjectUpload`, which the adapter creates. */
export interface ObjectUploadInit {
  type: SseType | undefined;
  /** The key the body is encrypted with: the object key, or a part key. */
  dataKey?: Uint8Array;
  /** The object key, which seals the ETag (also for parts). */
  objectKey?: Uint8Array;
  metadata: Record<string, string>;
  responseHeaders: ResponseHeaders;
  /** Whether the request carried `Content-MD5`; without it SSE-KMS and SSE-C seal a random ETag. */
  hasContentMd5: boolean;
  partNumber?: number;
}

/** The write side of one object or part. Call `dispose()` when done with it. */
export class ObjectUpload {
  /** The SSE type, or `undefined` when the upload is not encrypted. */
  readonly type: SseType | undefined;
  /** The entries to store in the object's (or upload's) metadata; empty for a part. */
  readonly metadata: Record<string, string>;
  /** The SSE headers to send with the response. */
  readonly responseHeaders: ResponseHeaders;
  /** The part number, for a part of a multipart upload. */
  readonly partNumber: number | undefined;
  readonly #hasContentMd5: boolean;
  #dataKey: Uint8Array | undefined;
  #objectKey: Uint8Array | undefined;

  constructor(init: ObjectUploadInit) {
    this.type = init.type;
    this.metadata = init.metadata;
    this.responseHeaders = init.responseHeaders;
    this.partNumber = init.partNumber;
    this.#hasContentMd5 = init.hasContentMd5;
    this.#dataKey = init.dataKey;
    this.#objectKey = init.objectKey;
  }

  /** Whether the body is encrypted. */
  get encrypted(): boolean {
    return this.type !== undefined;
  }

  /** Returns the stored size of a body of `plaintextSize` bytes. */
  storedSize(plaintextSize: number): number {
    return this.encrypted ? encryptedSize(plaintextSize) : plaintextSize;
  }

  /** Encrypts a whole body held in memory. */
  encrypt(plaintext: Uint8Array): Uint8Array {
    if (!this.encrypted) return plaintext;
    return encryptDare(this.#key('encrypt'), plaintext);
  }

  /**
   * Creates a Node.js `Transform` from the body to the bytes to store. Each stream gets a random
   * DARE nonce.
   */
  createEncryptStream(): Duplex {
    if (!this.encrypted) return new PassThrough();
    return engineTransform(new DareEncryptor(this.#key('createEncryptStream')));
  }

  /** Creates a Web `TransformStream` from the body to the bytes to store. */
  createEncryptWebStream(): TransformStream<Uint8Array, Uint8Array> {
    if (!this.encrypted) return new TransformStream();
    return engineWebStream(new DareEncryptor(this.#key('createEncryptWebStream')));
  }

  /**
   * Seals the ETag after the body was written. `md5` is the MD5 of the plaintext body (16 bytes or
   * 32 hex characters). SSE-KMS and SSE-C uploads without `Content-MD5` seal 16 random bytes instead,
   * as MinIO does, so their ETag reveals nothing about the plaintext; SSE-S3 and unencrypted
   * uploads need `md5`.
   *
   * @throws {TypeError} when `md5` is needed and missing or malformed.
   */
  finish(md5?: Uint8Array | string): UploadETags {
    const digest = md5 === undefined ? undefined : toMd5Bytes(md5);
    if (!this.encrypted) {
      if (!digest) throw new TypeError('finish: unencrypted uploads need the MD5 of the body');
      const etag = toHex(digest);
      return { etag, clientETag: etag };
    }
    const randomETag = this.type !== 'SSE-S3' && !this.#hasContentMd5;
    const sealedValue = randomETag ? new Uint8Array(randomBytes(16)) : digest;
    if (!sealedValue) throw new TypeError('finish: SSE-S3 uploads need the MD5 of the body');
    const objectKey = this.#objectKeyOrThrow();
    const etag = toHex(sealETag(objectKey, sealedValue));
    return { etag, clientETag: clientETag(this.type!, etag, objectKey) };
  }

  /** Overwrites the keys with zeros. Streams already created keep working on their own copies. */
  dispose(): void {
    this.#dataKey?.fill(0);
    this.#objectKey?.fill(0);
    this.#dataKey = undefined;
    this.#objectKey = undefined;
  }

  toJSON(): { type: SseType | undefined; metadata: Record<string, string>; partNumber?: number } {
    return { type: this.type, metadata: this.metadata, partNumber: this.partNumber };
  }

  [INSPECT](): string {
    return `ObjectUpload(type=${this.type ?? 'none'}${this.partNumber ? `, part=${this.partNumber}` : ''})`;
  }

  #key(operation: string): Uint8Array {
    if (!this.#dataKey) throw new TypeError(`${operation}: the upload was disposed`);
    return this.#dataKey;
  }

  #objectKeyOrThrow(): Uint8Array {
    if (!this.#objectKey) throw new TypeError('finish: the upload was disposed');
    return this.#objectKey;
  }
}

function toMd5Bytes(md5: Uint8Array | string): Uint8Array {
  if (typeof md5 === 'string') {
    if (!/^[0-9a-fA-F]{32}$/.test(md5)) {
      throw new TypeError('finish: `md5` must be 32 hex characters or 16 bytes');
    }
    return new Uint8Array(Buffer.from(md5, 'hex'));
  }
  if (!(md5 instanceof Uint8Array) || md5.length !== 16) {
    throw new TypeError('finish: `md5` must be 32 hex characters or 16 bytes');
  }
  return md5;
}
