import type * as NodeStream from 'node:stream';
import { MAX_PAYLOAD_SIZE } from './constants.js';
import { DareDecryptor } from './decryptor.js';
import { DareEncryptor } from './encryptor.js';
import { DareError } from './errors.js';
import type { DareDecryptOptions, DareEncryptOptions } from './options.js';
import type { DareEngine, EngineStreamHooks } from './web-streams.js';

let nodeStream: typeof NodeStream | undefined;

/**
 * Loads `node:stream` on first use through `process.getBuiltinModule`, so that importing this
 * package works where Node streams are absent.
 */
function loadNodeStream(fn: string): typeof NodeStream {
  if (nodeStream !== undefined) return nodeStream;
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
  nodeStream = stream;
  return stream;
}

/**
 * Wraps a DARE engine in a Node.js duplex stream that behaves as a transform. The engine is fed
 * at most 64 KiB at a time and only while the reader wants more, so a multi-megabyte written
 * chunk never becomes a multi-megabyte output queue.
 *
 * @throws {DareError} `DARE_UNAVAILABLE` where `node:stream` is missing.
 */
export function engineToNodeTransform(
  engine: DareEngine,
  fn: string,
  hooks: EngineStreamHooks = {},
): NodeStream.Duplex {
  const { Duplex } = loadNodeStream(fn);
  const mapError = hooks.mapError ?? ((error: unknown) => error);
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    hooks.cleanup?.();
  };

  // `_write` parks one chunk; `_read` only sets a flag. `drain` feeds slices while both hold, so
  // a `_read` that a `push` triggers synchronously is never lost.
  let pending:
    | { bytes: Uint8Array; offset: number; callback: (error?: Error | null) => void }
    | undefined;
  let wantsData = false;
  let draining = false;

  const duplex: NodeStream.Duplex = new Duplex({
    allowHalfOpen: false,
    write(chunk: Uint8Array | string, _encoding, callback) {
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      pending = { bytes, offset: 0, callback };
      drain();
    },
    final(callback) {
      try {
        engine.end((bytes) => duplex.push(bytes));
      } catch (error) {
        callback(mapError(error) as Error);
        return;
      }
      duplex.push(null);
      callback();
    },
    read() {
      wantsData = true;
      drain();
    },
    destroy(error, callback) {
      cleanup();
      callback(error);
    },
  });
  duplex.once('end', cleanup);

  function drain(): void {
    if (draining) return;
    draining = true;
    try {
      while (pending && wantsData && !duplex.destroyed) {
        const { bytes, offset } = pending;
        const end = Math.min(offset + MAX_PAYLOAD_SIZE, bytes.length);
        pending.offset = end;
        engine.write(bytes.subarray(offset, end), (output) => {
          if (!duplex.push(output)) wantsData = false;
        });
        if (end >= bytes.length) {
          const { callback } = pending;
          pending = undefined;
          callback();
        }
      }
    } catch (error) {
      const callback = pending?.callback;
      pending = undefined;
      if (callback) callback(mapError(error) as Error);
      else duplex.destroy(mapError(error) as Error);
    } finally {
      draining = false;
    }
  }

  return duplex;
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
): NodeStream.Duplex {
  const fn = 'createDareEncryptTransform';
  return engineToNodeTransform(new DareEncryptor(key, options, fn), fn);
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
): NodeStream.Duplex {
  const fn = 'createDareDecryptTransform';
  return engineToNodeTransform(new DareDecryptor(key, options, fn), fn);
}
