/**
 * Node.js and Web stream wrappers around an incremental DARE engine (`write(chunk, emit)` and
 * `end(emit)`), with the adapter's error mapping and key wiping.
 */

import type { Duplex } from 'node:stream';
import type { DareEngine } from '../dare/index.js';
import { engineToNodeTransform } from '../dare/node-streams.js';
import { engineToTransformStream } from '../dare/web-streams.js';

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
  return engineToTransformStream(engine, 'engineWebStream', { mapError, cleanup });
}
