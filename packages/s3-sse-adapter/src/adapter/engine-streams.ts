/**
 * Node.js and Web stream wrappers around an incremental DARE engine (`write(chunk, emit)` and
 * `end(emit)`), with the adapter's error mapping and key wiping.
 */

import type { Duplex } from 'node:stream';
import type { DareEngine } from '../dare/index.js';
import { engineToNodeTransform } from '../dare/node-streams.js';

/**
 * Wraps an engine in a Node.js transform that respects the reader's backpressure. `mapError`
 * turns engine failures into the error the stream fails with; `cleanup` runs once when the stream
 * ends or is destroyed.
 */
export function engineTransform(
  engine: DareEngine,
  mapError: (error: unknown) => unknown = (error) => error,
  cleanup: () => void = () => {},
): Duplex {
  return engineToNodeTransform(engine, 'engineTransform', { mapError, cleanup });
}

/** Wraps an engine in a Web `TransformStream`; see `engineTransform`. */
export function engineWebStream(
  engine: DareEngine,
  mapError: (error: unknown) => unknown = (error) => error,
  cleanup: () => void = () => {},
): TransformStream<Uint8Array, Uint8Array> {
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
      run(() => engine.write(chunk, (bytes) => controller.enqueue(plain(bytes))));
    },
    flush(controller) {
      run(() => engine.end((bytes) => controller.enqueue(plain(bytes))));
      cleanup();
    },
  });
}

/** Node's `Buffer` is a `Uint8Array` subclass; Web consumers get plain arrays. */
function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array
    ? bytes
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
