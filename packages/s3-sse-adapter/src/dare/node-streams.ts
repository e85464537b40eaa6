import type * as NodeStream from 'node:stream';
import { MAX_PAYLOAD_SIZE } from './constants.js';
import { DareDecryptor } from './decryptor.js';
import { DareEncryptor } from './encryptor.js';
import { DareError } from './errors.js';
import type { DareDecryptOptions, DareEncryptOptions } from './options.js';
import type { DareEngine } from './web-streams.js';

type TransformConstructor = new (engine: DareEngine) => NodeStream.Transform;

let transformClass: TransformConstructor | undefined;

/**
 * Defines the Transform subclass on first use. `node:stream` is loaded through
 * `process.getBuiltinModule` so that importing this package works where Node streams are absent.
 */
function getTransformClass(fn: string): TransformConstructor {
  if (transformClass !== undefined) {
    return transformClass;
  }
  const runtime = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const stream = runtime.process?.getBuiltinModule?.('node:stream') as
    | typeof NodeStream
    | undefined;
  if (stream === undefined) {
    throw new DareError(
      'DARE_UNAVAILABLE',
      `${fn} needs node:stream, which this runtime lacks: use the Web Streams variant instead`,
    );
  }
  transformClass = defineTransformClass(stream);
  return transformClass;
}

function defineTransformClass(stream: typeof NodeStream): TransformConstructor {
  /**
   * Feeds the engine in slices of at most 64 KiB and stops when `push` reports backpressure, so a
   * multi-megabyte input chunk is not turned into a multi-megabyte output queue. `_read`, which
   * Node calls when the consumer wants more, resumes the slice loop.
   */
  return class DareTransform extends stream.Transform {
    readonly #engine: DareEngine;
    #input: Uint8Array | undefined;
    #offset = 0;
    #callback: NodeStream.TransformCallback | undefined;
    #pumping = false;

    constructor(engine: DareEngine) {
      super();
      this.#engine = engine;
    }

    override _transform(
      chunk: Uint8Array,
      _encoding: BufferEncoding,
      callback: NodeStream.TransformCallback,
    ): void {
      this.#input = chunk;
      this.#offset = 0;
      this.#callback = callback;
      this.#pump();
    }

    override _read(size: number): void {
      if (this.#callback !== undefined) {
        if (!this.#pumping) {
          this.#pump();
        }
        return;
      }
      super._read(size);
    }

    override _flush(callback: NodeStream.TransformCallback): void {
      try {
        this.#engine.end((bytes) => this.push(bytes));
      } catch (error) {
        callback(error as Error);
        return;
      }
      callback();
    }

    #pump(): void {
      const input = this.#input!;
      this.#pumping = true;
      let error: unknown;
      try {
        while (this.#offset < input.length && !this.destroyed) {
          const end = Math.min(this.#offset + MAX_PAYLOAD_SIZE, input.length);
          let more = true;
          this.#engine.write(input.subarray(this.#offset, end), (bytes) => {
            more = this.push(bytes);
          });
          this.#offset = end;
          if (!more && end < input.length) {
            return;
          }
        }
      } catch (caught) {
        error = caught;
      } finally {
        this.#pumping = false;
      }
      const callback = this.#callback!;
      this.#input = undefined;
      this.#callback = undefined;
      callback(error as Error | undefined);
    }
  };
}

/**
 * Wraps a DARE engine in a Node.js `Transform`; the range decryptor uses it too.
 *
 * @throws {DareError} `DARE_UNAVAILABLE` where `node:stream` is missing.
 */
export function engineToNodeTransform(engine: DareEngine, fn: string): NodeStream.Transform {
  const Transform = getTransformClass(fn);
  return new Transform(engine);
}

/**
 * Creates a Node.js `Transform` that encrypts written bytes into a DARE 2.0 stream. It keeps at
 * most one package of plaintext between writes and respects the reader's backpressure within a
 * large written chunk. Do not modify a chunk after writing it.
 *
 * @throws {TypeError | RangeError} at once for a key that is not 32 bytes or an invalid option.
 * @throws {DareError} `DARE_UNAVAILABLE` where `node:stream` is missing.
 * @example await pipeline(createReadStream(path), createDareEncryptTransform(key), destination);
 */
export function createDareEncryptTransform(
  key: Uint8Array,
  options: DareEncryptOptions = {},
): NodeStream.Transform {
  const fn = 'createDareEncryptTransform';
  const Transform = getTransformClass(fn);
  return new Transform(new DareEncryptor(key, options, fn));
}

/**
 * Creates a Node.js `Transform` that decrypts a DARE stream (2.0, and 1.0 with `minVersion: 1`).
 * Plaintext is pushed package by package after each tag verifies; a `DareError` destroys the
 * stream with that error.
 *
 * @throws {TypeError | RangeError} at once for a key that is not 32 bytes or an invalid option.
 * @throws {DareError} `DARE_UNAVAILABLE` where `node:stream` is missing.
 */
export function createDareDecryptTransform(
  key: Uint8Array,
  options: DareDecryptOptions = {},
): NodeStream.Transform {
  const fn = 'createDareDecryptTransform';
  const Transform = getTransformClass(fn);
  return new Transform(new DareDecryptor(key, options, fn));
}
