/**
 * Request bodies: aws-chunked decoding, the declared length, and the digests the client sent
 * (`x-amz-content-sha256`, `Content-MD5`, flexible checksums). A body streams through. When it
 * ends, the last stream checks every digest and fails with the S3 error of the first mismatch, so
 * a handler that writes to a temporary file discards it.
 */

import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AwsChunkedDecoder } from './aws-chunked.js';
import {
  CHECKSUM_ALGORITHMS,
  type Checksum,
  type ChecksumAlgorithm,
  createChecksum,
} from './checksums.js';
import { invalidArgument, notImplemented, ServerError } from './errors.js';

/** The size and digests of a body that has ended. */
export interface BodySummary {
  /** The number of payload bytes (after aws-chunked decoding). */
  size: number;
  /** The MD5 of the payload. */
  md5: Buffer;
  /** The flexible checksum the client sent and the server verified, to echo in the response. */
  checksum: { header: string; value: string } | undefined;
}

/** A request body as a chain of streams; pass `streams` to `pipeline`. */
export interface RequestBody {
  /** The request, the aws-chunked decoder when needed, and the verifying stream. */
  streams: [IncomingMessage, ...Transform[]];
  /** The summary; available after the last stream ended without error. */
  summary(): BodySummary;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNSIGNED = 'UNSIGNED-PAYLOAD';
const STREAMING_UNSIGNED_TRAILER = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

/**
 * Opens the body of a request whose signature was verified.
 *
 * @param payloadHash the signed `x-amz-content-sha256` value.
 * @throws {ServerError} 411 `MissingContentLength`, 400 `InvalidArgument` or `InvalidDigest` for
 *   headers that cannot describe the body, 501 for signed streaming (`STREAMING-AWS4-…`).
 */
export function openRequestBody(request: IncomingMessage, payloadHash: string): RequestBody {
  const chunked = payloadHash === STREAMING_UNSIGNED_TRAILER;
  if (!chunked && payloadHash !== UNSIGNED && !HEX_SHA256.test(payloadHash)) {
    if (payloadHash.startsWith('STREAMING-')) {
      // NOTE: signed streaming (chunk signatures) is not checked; the AWS SDK for JavaScript v3
      // sends STREAMING-UNSIGNED-PAYLOAD-TRAILER over HTTPS instead.
      throw notImplemented(`x-amz-content-sha256: ${payloadHash}`);
    }
    throw invalidArgument(
      `x-amz-content-sha256 must be a hex SHA-256, ${UNSIGNED} or ${STREAMING_UNSIGNED_TRAILER}`,
    );
  }
  const encoding = firstHeader(request, 'content-encoding') ?? '';
  if (chunked && !encoding.split(',').some((part) => part.trim() === 'aws-chunked')) {
    throw invalidArgument(`${STREAMING_UNSIGNED_TRAILER} needs Content-Encoding: aws-chunked`);
  }

  const declared = declaredLength(request, chunked);
  const contentMd5 = parseContentMd5(firstHeader(request, 'content-md5'));
  const decoder = chunked ? new AwsChunkedDecoder() : undefined;
  const expectedChecksum = checksumSource(request, decoder);
  const meter = new VerifyingStream({
    declared,
    sha256: HEX_SHA256.test(payloadHash) ? payloadHash : undefined,
    contentMd5,
    expectedChecksum,
  });
  return {
    streams: decoder ? [request, decoder, meter] : [request, meter],
    summary: () => meter.summary(),
  };
}

/** S3's XML request documents are small; 1 MiB leaves room for 10,000 parts in CompleteMultipartUpload. */
const MAX_DOCUMENT_BYTES = 1024 * 1024;

/**
 * Reads a small request body, such as an XML document, with its digests checked.
 *
 * @throws {ServerError} 400 `MaxMessageLengthExceeded` past 1 MiB, and the errors of `openRequestBody`.
 */
export async function readSmallBody(
  request: IncomingMessage,
  payloadHash: string,
): Promise<string> {
  const body = openRequestBody(request, payloadHash);
  const chunks: Buffer[] = [];
  let size = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > MAX_DOCUMENT_BYTES) {
        callback(
          new ServerError(
            'MaxMessageLengthExceeded',
            400,
            `The request body is longer than ${MAX_DOCUMENT_BYTES} bytes.`,
          ),
        );
        return;
      }
      chunks.push(chunk);
      callback();
    },
  });
  await pipeline([...body.streams, sink]);
  return Buffer.concat(chunks).toString('utf8');
}

interface ExpectedChecksum {
  algorithm: ChecksumAlgorithm;
  header: string;
  /** Reads the value once the body has ended (a trailer arrives last). */
  value(): string | undefined;
}

interface VerifyOptions {
  declared: number;
  sha256: string | undefined;
  contentMd5: Buffer | undefined;
  expectedChecksum: ExpectedChecksum | undefined;
}

/** Counts and digests the payload and checks it against the request's claims at the end. */
class VerifyingStream extends Transform {
  readonly #options: VerifyOptions;
  readonly #md5: Hash = createHash('md5');
  readonly #sha256: Hash | undefined;
  readonly #checksum: Checksum | undefined;
  #size = 0;
  #summary: BodySummary | undefined;

  constructor(options: VerifyOptions) {
    super();
    this.#options = options;
    this.#sha256 = options.sha256 ? createHash('sha256') : undefined;
    this.#checksum = options.expectedChecksum
      ? createChecksum(options.expectedChecksum.algorithm)
      : undefined;
  }

  summary(): BodySummary {
    if (!this.#summary) throw new Error('the request body has not ended');
    return this.#summary;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#size += chunk.length;
    if (this.#size > this.#options.declared) {
      callback(
        new ServerError(
          'IncompleteBody',
          400,
          `The body is longer than the ${this.#options.declared} bytes its headers declare.`,
        ),
      );
      return;
    }
    this.#md5.update(chunk);
    this.#sha256?.update(chunk);
    this.#checksum?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#summary = this.#verify();
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #verify(): BodySummary {
    const { declared, sha256, contentMd5, expectedChecksum } = this.#options;
    if (this.#size !== declared) {
      throw new ServerError(
        'IncompleteBody',
        400,
        `You did not provide the number of bytes specified by the Content-Length HTTP header (${this.#size} of ${declared}).`,
      );
    }
    if (sha256 !== undefined && this.#sha256!.digest('hex') !== sha256) {
      throw new ServerError(
        'XAmzContentSHA256Mismatch',
        400,
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
    const md5 = this.#md5.digest();
    if (contentMd5 !== undefined && !md5.equals(contentMd5)) {
      throw new ServerError(
        'BadDigest',
        400,
        'The Content-MD5 you specified did not match what we received.',
      );
    }
    let checksum: BodySummary['checksum'];
    if (expectedChecksum) {
      const value = expectedChecksum.value();
      const computed = this.#checksum!.digest();
      if (value !== undefined) {
        if (value !== computed) {
          throw new ServerError(
            'BadDigest',
            400,
            `The ${expectedChecksum.algorithm.toUpperCase()} you specified did not match the calculated checksum.`,
          );
        }
        checksum = { header: expectedChecksum.header, value };
      }
    }
    return { size: this.#size, md5, checksum };
  }
}

function declaredLength(request: IncomingMessage, chunked: boolean): number {
  const text = firstHeader(request, chunked ? 'x-amz-decoded-content-length' : 'content-length');
  if (text === undefined) {
    if (!chunked && request.headers['transfer-encoding'] === undefined) return 0;
    throw new ServerError(
      'MissingContentLength',
      411,
      `You must provide the ${chunked ? 'x-amz-decoded-content-length' : 'Content-Length'} HTTP header.`,
    );
  }
  if (!/^\d{1,15}$/.test(text)) {
    throw invalidArgument(
      `invalid ${chunked ? 'x-amz-decoded-content-length' : 'Content-Length'} ${JSON.stringify(text)}`,
    );
  }
  return Number(text);
}

function parseContentMd5(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16 || bytes.toString('base64') !== value) {
    throw new ServerError('InvalidDigest', 400, 'The Content-MD5 you specified was invalid.');
  }
  return bytes;
}

/** Finds the flexible checksum of a request: a header, or a trailer announced by `x-amz-trailer`. */
function checksumSource(
  request: IncomingMessage,
  decoder: AwsChunkedDecoder | undefined,
): ExpectedChecksum | undefined {
  const trailer = firstHeader(request, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailer !== undefined && trailer !== '') {
    const algorithm = checksumAlgorithm(trailer);
    if (!decoder) throw invalidArgument('x-amz-trailer needs an aws-chunked body');
    return { algorithm, header: trailer, value: () => decoder.trailers.get(trailer) };
  }
  for (const name of checksumHeaderNames(request)) {
    const algorithm = checksumAlgorithm(name);
    const value = firstHeader(request, name) ?? '';
    return { algorithm, header: name, value: () => value };
  }
  return undefined;
}

/**
 * Returns the request's checksum value headers. `x-amz-checksum-algorithm`, `-type` and `-mode`
 * name an algorithm or a mode and carry no checksum.
 */
export function checksumHeaderNames(request: IncomingMessage): string[] {
  return Object.keys(request.headers).filter(
    (name) =>
      name.startsWith('x-amz-checksum-') &&
      !['x-amz-checksum-algorithm', 'x-amz-checksum-type', 'x-amz-checksum-mode'].includes(name),
  );
}

function checksumAlgorithm(header: string): ChecksumAlgorithm {
  const name = header.slice('x-amz-checksum-'.length);
  if (!header.startsWith('x-amz-checksum-')) {
    throw invalidArgument(`the trailer ${header} is not a checksum header`);
  }
  if (!(CHECKSUM_ALGORITHMS as readonly string[]).includes(name)) {
    // NOTE: CRC64NVME is not verified here; the AWS SDK sends it only when asked to.
    throw notImplemented(`the checksum algorithm ${name.toUpperCase()}`);
  }
  return name as ChecksumAlgorithm;
}

function firstHeader(request: IncomingMessage, name: string): string | undefined {
  return request.headersDistinct[name]?.[0];
}
