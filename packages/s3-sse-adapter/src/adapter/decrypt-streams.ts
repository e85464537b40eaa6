/**
 * Decryption of stored object bytes for reads: a whole object or a range, single-part or
 * multipart. The range module plans which stored bytes to read and decrypts them part by part.
 * This file supplies the part keys and turns DARE failures into `XMinioObjectTampered`.
 */

import type { Duplex } from 'node:stream';
import { DareError } from '../dare/index.js';
import { s3Error } from '../errors/s3-errors.js';
import {
  DareRangeDecryptor,
  derivePartKey,
  type EncryptedRange,
  type PartKeyLookup,
} from '../range/index.js';
import { engineTransform, engineWebStream } from './engine-streams.js';

/** A stored part of a multipart object: its S3 part number and its stored (encrypted) size. */
export interface StoredPart {
  /** The S3 part number (1 to 10000), which selects the part key. */
  number: number;
  /** The number of stored bytes of the part. */
  size: number;
}

/**
 * Returns the key lookup of a read: the object key for a single-part object, else the part key
 * of each part. It works on a copy of the object key; call `wipe` when the read is over.
 */
export function partKeyLookup(
  objectKey: Uint8Array,
  parts: readonly StoredPart[] | undefined,
): { keyForPart: PartKeyLookup; wipe(): void } {
  const key = objectKey.slice();
  const keyForPart: PartKeyLookup = (index) => {
    if (!parts) return key;
    const part = parts[index];
    if (!part) throw new RangeError(`no part at index ${index}`);
    return derivePartKey(key, part.number);
  };
  return { keyForPart, wipe: () => key.fill(0) };
}

/**
 * Decrypts the stored bytes a plan selected, held in memory.
 *
 * @throws {S3Error} `ObjectTampered` when they do not decrypt.
 */
export function decryptPlanned(
  stored: Uint8Array,
  plan: EncryptedRange,
  objectKey: Uint8Array,
  parts: readonly StoredPart[] | undefined,
): Uint8Array {
  const { keyForPart, wipe } = partKeyLookup(objectKey, parts);
  const engine = new DareRangeDecryptor(plan, keyForPart, { minVersion: 1 });
  const out = new Uint8Array(plan.length);
  let offset = 0;
  const emit = (bytes: Uint8Array) => {
    out.set(bytes, offset);
    offset += bytes.length;
  };
  try {
    engine.write(stored, emit);
    engine.end(emit);
  } catch (error) {
    throw tampered(error);
  } finally {
    wipe();
  }
  return out;
}

/**
 * Creates a Node.js `Transform` from the stored bytes a plan selected to their plaintext. The
 * stream fails with an `S3Error` (`ObjectTampered`) when the bytes do not decrypt.
 */
export function createPlannedDecryptTransform(
  plan: EncryptedRange,
  objectKey: Uint8Array,
  parts: readonly StoredPart[] | undefined,
): Duplex {
  const { keyForPart, wipe } = partKeyLookup(objectKey, parts);
  const engine = new DareRangeDecryptor(plan, keyForPart, { minVersion: 1 });
  return engineTransform(engine, tampered, wipe);
}

/** Creates a Web `TransformStream` from the stored bytes a plan selected to their plaintext. */
export function createPlannedDecryptStream(
  plan: EncryptedRange,
  objectKey: Uint8Array,
  parts: readonly StoredPart[] | undefined,
): TransformStream<Uint8Array, Uint8Array> {
  const { keyForPart, wipe } = partKeyLookup(objectKey, parts);
  const engine = new DareRangeDecryptor(plan, keyForPart, { minVersion: 1 });
  return engineWebStream(engine, tampered, wipe);
}

function tampered(error: unknown): unknown {
  if (!DareError.isInstance(error)) return error;
  return s3Error('ObjectTampered', `the stored object does not decrypt: ${error.message}`, {
    cause: error,
  });
}
