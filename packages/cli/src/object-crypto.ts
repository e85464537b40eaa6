/**
 * Encrypts a file into MinIO's stored form and back, streaming: the body goes through the SSE
 * adapter's DARE streams in 64 KiB packages and is never held in memory as a whole.
 */

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { KMS } from '@kmskit/core';
import {
  AES256,
  AWS_KMS,
  createSseAdapter,
  SSE_HEADERS,
  type SseType,
} from '@kmskit/s3-sse-adapter';
import type { CliStream } from './cli-io.js';
import { fileAccessError, isSystemError } from './file-checks.js';
import { formatObjectMetadata, type StoredObjectMetadata } from './object-files.js';
import { PendingFile } from './pending-file.js';
import { createProgressStream } from './progress.js';

/** Options of `encryptFile`. */
export interface EncryptFileOptions {
  input: string;
  output: string;
  metadataPath: string;
  bucket: string;
  object: string;
  sse: SseType;
  /** The KMS for SSE-S3 and SSE-KMS. */
  kms?: KMS;
  /** The SSE-KMS key; the KMS's default key when absent. */
  kmsKey?: string;
  /** The 32-byte SSE-C key. */
  customerKey?: Uint8Array;
  /** The stream for a progress bar, drawn only when it is a terminal. */
  progress?: CliStream;
}

/** Options of `decryptFile`. */
export interface DecryptFileOptions {
  input: string;
  /** The output file, or a stream such as stdout. */
  output: string | CliStream;
  stored: StoredObjectMetadata;
  bucket: string;
  object: string;
  kms?: KMS;
  customerKey?: Uint8Array;
  progress?: CliStream;
}

/** The outcome of an encryption or decryption. */
export interface FileCryptoResult {
  /** The plaintext size in bytes. */
  size: number;
  /** The stored size in bytes. */
  storedSize: number;
  /** SHA-256 of the plaintext, hex. */
  sha256: string;
  /** The ETag a client of MinIO would see. */
  clientETag: string;
}

/**
 * Encrypts `input` as MinIO stores an object: writes the DARE body to `output` and the metadata
 * to `metadataPath`. Both appear only when everything succeeded.
 *
 * @throws {S3Error} for SSE parameters the adapter rejects, `KmsError` for KMS failures, and
 *   `Error` for file problems.
 */
export async function encryptFile(
  options: EncryptFileOptions,
): Promise<FileCryptoResult & { stored: StoredObjectMetadata }> {
  const total = await fileSize(options.input);
  const adapter = createSseAdapter({ kms: options.kms });
  const upload = await adapter.prepareUpload({
    bucket: options.bucket,
    object: options.object,
    headers: requestHeaders(options.sse, options.kmsKey, options.customerKey),
  });
  const hashes = new PlaintextHashes();
  const body = new PendingFile(options.output);
  const meta = new PendingFile(options.metadataPath);
  try {
    await pipeline(
      createReadStream(options.input),
      hashes.transform(),
      createProgressStream(options.progress, 'encrypt', total),
      upload.createEncryptStream(),
      body.createWriteStream(),
    );
    const { etag, clientETag } = upload.finish(hashes.md5());
    const storedSize = (await stat(body.temporaryPath)).size;
    const stored: StoredObjectMetadata = {
      bucket: options.bucket,
      object: options.object,
      sse: options.sse,
      size: hashes.size,
      storedSize,
      etag,
      metadata: upload.metadata,
    };
    await meta.write(formatObjectMetadata(stored));
    await body.commit();
    await meta.commit();
    return { size: hashes.size, storedSize, sha256: hashes.sha256(), clientETag, stored };
  } catch (error) {
    await Promise.all([body.discard(), meta.discard()]);
    throw describeFileError(error, options.input, [body, meta]);
  } finally {
    upload.dispose();
  }
}

/**
 * Decrypts a file that `encryptFile` (or MinIO) wrote, with its metadata. A file output appears
 * only when the whole body decrypted and authenticated.
 *
 * @throws {S3Error} for a wrong SSE-C key (403 `AccessDenied`), a wrong bucket or object name or
 *   tampered metadata; `DareError` for a tampered body; `KmsError` for KMS failures.
 */
export async function decryptFile(options: DecryptFileOptions): Promise<FileCryptoResult> {
  const storedSize = await fileSize(options.input);
  const adapter = createSseAdapter({ kms: options.kms });
  const reader = await adapter.openObject({
    bucket: options.bucket,
    object: options.object,
    metadata: options.stored.metadata,
    headers: options.customerKey ? requestHeaders('SSE-C', undefined, options.customerKey) : {},
    method: 'GET',
    size: storedSize,
    etag: options.stored.etag,
  });
  const hashes = new PlaintextHashes();
  const pending = typeof options.output === 'string' ? new PendingFile(options.output) : undefined;
  try {
    if (reader.size !== options.stored.size) {
      throw new Error(
        `${options.input} contains ${reader.size} plaintext bytes but its metadata records ${options.stored.size}: the file and the metadata file do not belong together`,
      );
    }
    await pipeline(
      createReadStream(options.input),
      createProgressStream(options.progress, 'decrypt', storedSize),
      reader.createDecryptStream(),
      hashes.transform(),
      pending ? pending.createWriteStream() : streamWriter(options.output as CliStream),
    );
    await pending?.commit();
    return { size: hashes.size, storedSize, sha256: hashes.sha256(), clientETag: reader.etag };
  } catch (error) {
    await pending?.discard();
    throw describeFileError(error, options.input, pending ? [pending] : []);
  } finally {
    reader.dispose();
  }
}

/** Returns the size of the input file in bytes. */
async function fileSize(input: string): Promise<number> {
  try {
    return (await stat(input)).size;
  } catch (error) {
    throw isSystemError(error) ? fileAccessError('read', input, error) : error;
  }
}

/**
 * Turns a file system error of a run into a `FileAccessError` that names the input or the output
 * the user gave, never a temporary file. Other errors pass unchanged.
 */
function describeFileError(error: unknown, input: string, outputs: PendingFile[]): unknown {
  if (!isSystemError(error)) return error;
  const output = outputs.find(
    (file) => error.path === file.temporaryPath || error.path === file.path,
  );
  if (output) return fileAccessError('write', output.path, error);
  // Errors of `read` and `write` on an open file carry no path.
  if (error.path === input || error.syscall === 'read') {
    return fileAccessError('read', input, error);
  }
  if (error.syscall === 'write' && outputs[0]) {
    return fileAccessError('write', outputs[0].path, error);
  }
  return error;
}

/** Builds the SSE request headers a client would send to MinIO. */
function requestHeaders(
  sse: SseType,
  kmsKey: string | undefined,
  customerKey: Uint8Array | undefined,
): Record<string, string> {
  if (sse === 'SSE-S3') return { [SSE_HEADERS.sse]: AES256 };
  if (sse === 'SSE-KMS') {
    const headers: Record<string, string> = { [SSE_HEADERS.sse]: AWS_KMS };
    if (kmsKey) headers[SSE_HEADERS.kmsKeyId] = kmsKey;
    return headers;
  }
  if (!customerKey) throw new TypeError('SSE-C needs a 32-byte customer key');
  return {
    [SSE_HEADERS.customerAlgorithm]: AES256,
    [SSE_HEADERS.customerKey]: Buffer.from(customerKey).toString('base64'),
    [SSE_HEADERS.customerKeyMd5]: createHash('md5').update(customerKey).digest('base64'),
  };
}

/** MD5 (for the ETag), SHA-256 (for the user) and size of the plaintext passing through. */
class PlaintextHashes {
  size = 0;
  readonly #md5 = createHash('md5');
  readonly #sha256 = createHash('sha256');

  transform(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _encoding, callback: TransformCallback) => {
        this.size += chunk.length;
        this.#md5.update(chunk);
        this.#sha256.update(chunk);
        callback(null, chunk);
      },
    });
  }

  md5(): Uint8Array {
    return this.#md5.digest();
  }

  sha256(): string {
    return this.#sha256.digest('hex');
  }
}

/** Wraps a text stream such as stdout as a binary `Writable` that honours its backpressure. */
function streamWriter(target: CliStream): Writable {
  const emitter = target as CliStream & { once?: (event: string, listener: () => void) => void };
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      const ok = target.write(chunk);
      if (ok === false && typeof emitter.once === 'function') emitter.once('drain', callback);
      else callback();
    },
  });
}
