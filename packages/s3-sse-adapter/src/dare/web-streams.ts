import { DareDecryptor } from './decryptor.js';
import { DareEncryptor } from './encryptor.js';
import type { DareDecryptOptions, DareEncryptOptions } from './options.js';

/** The incremental interface both DARE directions share. */
export interface DareEngine {
  write(chunk: Uint8Array, emit: (bytes: Uint8Array) => void): void;
  end(emit: (bytes: Uint8Array) => void): void;
}

/** Hooks of the stream wrappers around an engine. */
export interface EngineStreamHooks {
  /** Turns an engine failure into the error the stream fails with. */
  mapError?: (error: unknown) => unknown;
  /** Runs once when the stream ends, fails or is destroyed, for example to wipe keys. */
  cleanup?: () => void;
}

/**
 * Wraps an engine in a Web `TransformStream` of `Uint8Array` chunks.
 *
 * NOTE: a transformer cannot wait for the reader within one chunk, so a large written chunk is
 * processed at once and its whole output queued; the Node transforms split such chunks instead.
 */
export function engineToTransformStream(
  engine: DareEngine,
  fn: string,
  hooks: EngineStreamHooks = {},
): TransformStream<Uint8Array, Uint8Array> {
  const mapError = hooks.mapError ?? ((error: unknown) => error);
  const cleanup = hooks.cleanup ?? (() => {});
  const run = (step: () => void) => {
    try {
      step();
    } catch (error) {
      cleanup();
      throw mapError(error);
    }
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      run(() => {
        if (!(chunk instanceof Uint8Array)) {
          throw new TypeError(`${fn}: chunks must be Uint8Array, got ${typeof chunk}`);
        }
        engine.write(chunk, (bytes) => controller.enqueue(plain(bytes)));
      });
    },
    flush(controller) {
      run(() => engine.end((bytes) => controller.enqueue(plain(bytes))));
      cleanup();
    },
  });
}

/** Node's `Buffer` is a `Uint8Array` whose `slice` does not copy; Web consumers get plain arrays. */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Creates a Web `TransformStream` that encrypts plaintext chunks of any size into a DARE 2.0
 * stream. It keeps at most 64 KiB of plaintext (one package) between chunks. Do not modify a
 * chunk after writing it: it is held by reference until its package is sealed.
 *
 * @throws {TypeError | RangeError} at once for a key that is not 32 bytes or an invalid option.
 * @example await file.stream().pipeThrough(createDareEncryptStream(key)).pipeTo(destination);
 */
export function createDareEncryptStream(
  key: Uint8Array,
  options: DareEncryptOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const fn = 'createDareEncryptStream';
  return engineToTransformStream(new DareEncryptor(key, options, fn), fn);
}

/**
 * Creates a Web `TransformStream` that decrypts a DARE stream (2.0, and 1.0 with `minVersion: 1`)
 * from chunks of any size. Plaintext is released package by package, only after each package's
 * tag verifies; a `DareError` errors both sides of the stream.
 *
 * @throws {TypeError | RangeError} at once for a key that is not 32 bytes or an invalid option.
 */
export function createDareDecryptStream(
  key: Uint8Array,
  options: DareDecryptOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const fn = 'createDareDecryptStream';
  return engineToTransformStream(new DareDecryptor(key, options, fn), fn);
}
