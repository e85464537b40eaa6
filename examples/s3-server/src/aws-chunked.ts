/**
 * Decoding of `Content-Encoding: aws-chunked` request bodies, which the AWS SDK sends for streamed
 * uploads (`x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER`):
 *
 *     <hex size>\r\n<data>\r\n ... 0\r\n<trailer name>:<value>\r\n ... \r\n
 *
 * The trailer carries the flexible checksum, such as `x-amz-checksum-crc32:<base64>`.
 */

import { Transform, type TransformCallback } from 'node:stream';
import { ServerError } from './errors.js';

const MAX_LINE = 4096;
const CRLF = Buffer.from('\r\n');

type State = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

/** A Transform from an aws-chunked body to the decoded payload; the trailers are kept. */
export class AwsChunkedDecoder extends Transform {
  /** The trailer headers by lowercase name, complete once the stream has ended. */
  readonly trailers = new Map<string, string>();
  #state: State = 'size';
  #line = Buffer.alloc(0);
  #remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.#consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.#state !== 'done') {
      callback(incomplete('the aws-chunked body ended before its final chunk and trailer'));
      return;
    }
    callback();
  }

  #consume(input: Buffer): void {
    let offset = 0;
    while (offset < input.length) {
      if (this.#state === 'done') throw incomplete('data after the end of the aws-chunked body');
      if (this.#state === 'data') {
        const take = Math.min(this.#remaining, input.length - offset);
        this.push(input.subarray(offset, offset + take));
        offset += take;
        this.#remaining -= take;
        if (this.#remaining === 0) this.#state = 'data-end';
        continue;
      }
      const end = input.indexOf(CRLF[1]!, offset);
      const stop = end === -1 ? input.length : end + 1;
      this.#line = Buffer.concat([this.#line, input.subarray(offset, stop)]);
      offset = stop;
      if (this.#line.length > MAX_LINE) throw incomplete('an aws-chunked line is too long');
      if (end === -1) continue;
      if (this.#line.length < 2 || this.#line[this.#line.length - 2] !== CRLF[0]) {
        throw incomplete('an aws-chunked line does not end with CRLF');
      }
      const line = this.#line.subarray(0, this.#line.length - 2).toString('latin1');
      this.#line = Buffer.alloc(0);
      this.#endLine(line);
    }
  }

  #endLine(line: string): void {
    switch (this.#state) {
      case 'size': {
        const sizeText = line.split(';', 1)[0]!;
        if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText)) {
          throw incomplete(`invalid aws-chunked chunk size ${JSON.stringify(sizeText)}`);
        }
        this.#remaining = Number.parseInt(sizeText, 16);
        this.#state = this.#remaining === 0 ? 'trailer' : 'data';
        return;
      }
      case 'data-end':
        if (line !== '') throw incomplete('an aws-chunked chunk is longer than its size');
        this.#state = 'size';
        return;
      case 'trailer': {
        if (line === '') {
          this.#state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw incomplete(`invalid aws-chunked trailer ${JSON.stringify(line)}`);
        this.trailers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        return;
      }
      default:
        throw incomplete('unexpected aws-chunked state');
    }
  }
}

function incomplete(detail: string): ServerError {
  return new ServerError(
    'IncompleteBody',
    400,
    `You did not provide the number of bytes specified by the Content-Length HTTP header (${detail}).`,
  );
}
