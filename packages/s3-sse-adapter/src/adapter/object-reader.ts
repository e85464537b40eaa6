/**
 * `ObjectReader`: the read side of one object. It provides the plaintext size and client ETag, the
 * SSE response headers, and how to decrypt the stored bytes of the whole object or of a range.
 * An unencrypted object has the same interface and passes the bytes through.
 */

import { type Duplex, PassThrough } from 'node:stream';
import type { SseType } from '../headers/sse-detect.js';
import {
  type EncryptedRange,
  getEncryptedRange,
  type HttpRange,
  parseRangeHeader,
  resolveRange,
} from '../range/index.js';
import {
  createPlannedDecryptStream,
  createPlannedDecryptTransform,
  decryptPlanned,
  type StoredPart,
} from './decrypt-streams.js';
import type { ResponseHeaders } from './response-headers.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A planned read: which stored bytes to fetch and which plaintext bytes they give. */
export interface PlannedRead {
  /** The first plaintext byte returned. */
  offset: number;
  /** The number of plaintext bytes returned (the response's `Content-Length`). */
  length: number;
  /** The first stored byte to fetch. */
  storedOffset: number;
  /** The number of stored bytes to fetch. */
  storedLength: number;
  /** The `Content-Range` value for a range response, such as `bytes 0-9/100`. */
  contentRange: string | undefined;
  /** Creates a Node.js `Transform` from the fetched stored bytes to the plaintext. */
  createDecryptStream(): Duplex;
  /** Creates a Web `TransformStream` from the fetched stored bytes to the plaintext. */
  createDecryptWebStream(): TransformStream<Uint8Array, Uint8Array>;
  /** Decrypts the fetched stored bytes held in memory. */
  decrypt(stored: Uint8Array): Uint8Array;
}

/** The parts of an `ObjectReader`, which the adapter creates. */
export interface ObjectReaderInit {
  type: SseType | undefined;
  objectKey?: Uint8Array;
  /** The plaintext size of each part (one entry for a single-part object). */
  plaintextPartSizes: number[];
  /** The stored parts of a multipart object, or `undefined` for a single-part object. */
  parts: StoredPart[] | undefined;
  etag: string;
  responseHeaders: ResponseHeaders;
}

/** The read side of one object. Call `dispose()` when done with it. */
export class ObjectReader {
  /** The SSE type, or `undefined` when the object is not encrypted. */
  readonly type: SseType | undefined;
  /** The plaintext size: the `Content-Length` of a full GET and HEAD. */
  readonly size: number;
  /** The ETag to send to the client (without quotes). */
  readonly etag: string;
  /** The SSE headers to send with the response. */
  readonly responseHeaders: ResponseHeaders;
  /** Whether the object is an encrypted multipart object (one DARE stream per part). */
  readonly multipart: boolean;
  readonly #partSizes: number[];
  readonly #parts: StoredPart[] | undefined;
  #objectKey: Uint8Array | undefined;

  constructor(init: ObjectReaderInit) {
    this.type = init.type;
    this.etag = init.etag;
    this.responseHeaders = init.responseHeaders;
    this.multipart = init.parts !== undefined;
    this.#partSizes = init.plaintextPartSizes;
    this.#parts = init.parts;
    this.#objectKey = init.objectKey;
    this.size = init.plaintextPartSizes.reduce((sum, size) => sum + size, 0);
  }

  /** Whether the stored bytes are encrypted. */
  get encrypted(): boolean {
    return this.type !== undefined;
  }

  /**
   * Plans a read of the whole object (no range) or of `range`: a `Range` header value such as
   * `bytes=0-99`, or a parsed range. A header S3 ignores (another unit, several ranges) reads the
   * whole object, as S3 does.
   *
   * @throws {InvalidRangeError} (416 `InvalidRange`) when the range cannot be satisfied.
   */
  read(range?: string | HttpRange): PlannedRead {
    const parsed = typeof range === 'string' ? parseRangeHeader(range) : range;
    const contentRange = (offset: number, length: number) =>
      parsed === undefined || length === 0
        ? undefined
        : `bytes ${offset}-${offset + length - 1}/${this.size}`;

    if (!this.encrypted) {
      const { offset, length } = resolveRange(parsed, this.size);
      return {
        offset,
        length,
        storedOffset: offset,
        storedLength: length,
        contentRange: contentRange(offset, length),
        createDecryptStream: () => new PassThrough(),
        createDecryptWebStream: () => new TransformStream(),
        decrypt: (stored) => stored,
      };
    }

    const plan: EncryptedRange = getEncryptedRange(this.#partSizes, parsed);
    const parts = this.#parts;
    return {
      offset: plan.offset,
      length: plan.length,
      storedOffset: plan.encOff,
      storedLength: plan.encLength,
      contentRange: contentRange(plan.offset, plan.length),
      createDecryptStream: () => createPlannedDecryptTransform(plan, this.#key(), parts),
      createDecryptWebStream: () => createPlannedDecryptStream(plan, this.#key(), parts),
      decrypt: (stored) => decryptPlanned(stored, plan, this.#key(), parts),
    };
  }

  /** Decrypts the whole stored object held in memory. */
  decrypt(stored: Uint8Array): Uint8Array {
    return this.read().decrypt(stored);
  }

  /** Creates a Node.js `Transform` from the whole stored object to its plaintext. */
  createDecryptStream(): Duplex {
    return this.read().createDecryptStream();
  }

  /** Overwrites the object key with zeros. Streams already created keep their own copies. */
  dispose(): void {
    this.#objectKey?.fill(0);
    this.#objectKey = undefined;
  }

  toJSON(): { type: SseType | undefined; size: number; etag: string; multipart: boolean } {
    return { type: this.type, size: this.size, etag: this.etag, multipart: this.multipart };
  }

  [INSPECT](): string {
    return `ObjectReader(type=${this.type ?? 'none'}, size=${this.size})`;
  }

  #key(): Uint8Array {
    if (!this.#objectKey) throw new TypeError('ObjectReader: the reader was disposed');
    return this.#objectKey;
  }
}
