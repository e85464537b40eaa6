import type { AeadBackend, DareCipher } from '../dare/aead.js';
import { DareDecryptor } from '../dare/decryptor.js';
import type { Emit } from '../dare/encryptor.js';
import { DareError } from '../dare/errors.js';
import { engineToNodeTransform } from '../dare/node-streams.js';
import { checkBytes } from '../dare/options.js';
import { type DareEngine, engineToTransformStream } from '../dare/web-streams.js';
import type { EncryptedRange } from './encrypted-range.js';

/** Returns the DARE key of a part: the object key for single-part objects, else its part key. */
export type PartKeyLookup = (partIndex: number) => Uint8Array;

/** Options of the range decryptors. */
export interface RangeDecryptOptions {
  /**
   * The oldest DARE version accepted. MinIO reads object data with 1.0 allowed.
   * @default 2
   */
  minVersion?: 1 | 2;
  /** Cipher suites accepted. @default both */
  cipherSuites?: readonly DareCipher[];
  /** The AEAD implementation. @default `node:crypto` when present, else @noble/ciphers */
  backend?: AeadBackend;
}

/**
 * Decrypts the stored bytes `[encOff, encOff + encLength)` that `getEncryptedRange` selected and
 * emits exactly the requested plaintext bytes. Each part's segment is its own DARE stream: the
 * first starts at sequence number `seq`, the others at 0, each under its part's key.
 */
export class DareRangeDecryptor implements DareEngine {
  readonly #plan: EncryptedRange;
  readonly #keyForPart: PartKeyLookup;
  readonly #options: RangeDecryptOptions;
  #segment = -1;
  #segmentLeft = 0;
  #decryptor: DareDecryptor | undefined;
  #skipLeft: number;
  #outputLeft: number;

  constructor(plan: EncryptedRange, keyForPart: PartKeyLookup, options: RangeDecryptOptions = {}) {
    if (typeof keyForPart !== 'function') {
      throw new TypeError('DareRangeDecryptor: keyForPart must be a function of the part index');
    }
    this.#plan = plan;
    this.#keyForPart = keyForPart;
    this.#options = options;
    this.#skipLeft = plan.skip;
    this.#outputLeft = plan.length;
  }

  write(chunk: Uint8Array, emit: Emit): void {
    const window = (bytes: Uint8Array) => this.#window(bytes, emit);
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#segmentLeft === 0) {
        this.#nextSegment(window);
      }
      const take = Math.min(this.#segmentLeft, chunk.length - offset);
      this.#decryptor!.write(chunk.subarray(offset, offset + take), window);
      this.#segmentLeft -= take;
      offset += take;
    }
  }

  end(emit: Emit): void {
    const window = (bytes: Uint8Array) => this.#window(bytes, emit);
    if (this.#segmentLeft === 0 && this.#segment + 1 < this.#plan.segments.length) {
      this.#nextSegment(window);
    }
    if (this.#segmentLeft > 0) {
      throw new DareError(
        'DARE_UNEXPECTED_EOF',
        `encrypted range ends ${this.#segmentLeft} bytes early in part ${this.#plan.segments[this.#segment]!.partIndex}: read encLength bytes from encOff`,
      );
    }
    this.#decryptor?.end(window);
    if (this.#outputLeft > 0) {
      throw new DareError(
        'DARE_UNEXPECTED_EOF',
        `encrypted range decrypted to ${this.#outputLeft} bytes fewer than requested: the object is shorter than its part sizes say`,
      );
    }
  }

  #nextSegment(window: Emit): void {
    this.#decryptor?.end(window);
    this.#decryptor = undefined;
    this.#segment += 1;
    const segment = this.#plan.segments[this.#segment];
    if (segment === undefined) {
      throw new DareError(
        'DARE_DATA_AFTER_FINAL',
        `encrypted range input is longer than the ${this.#plan.encLength} bytes the range plan selects`,
      );
    }
    this.#decryptor = new DareDecryptor(
      this.#keyForPart(segment.partIndex),
      {
        minVersion: this.#options.minVersion ?? 2,
        cipherSuites: this.#options.cipherSuites,
        backend: this.#options.backend,
        sequenceNumber: segment.seq,
        expectFinal: segment.reachesPartEnd,
      },
      'DareRangeDecryptor',
    );
    this.#segmentLeft = segment.encLength;
  }

  #window(bytes: Uint8Array, emit: Emit): void {
    let piece = bytes;
    if (this.#skipLeft > 0) {
      const skipped = Math.min(this.#skipLeft, piece.length);
      this.#skipLeft -= skipped;
      piece = piece.subarray(skipped);
    }
    if (piece.length > this.#outputLeft) {
      piece = piece.subarray(0, this.#outputLeft);
    }
    this.#outputLeft -= piece.length;
    if (piece.length > 0) {
      emit(piece);
    }
  }
}

/**
 * Decrypts the stored bytes of a range read (`encLength` bytes from `encOff`) and returns exactly
 * the requested plaintext.
 *
 * @throws {DareError} when the bytes are not authentic, too short or too long.
 * @example
 * const plan = getEncryptedRange(partSizes, parseRangeHeader(request.headers.range));
 * const body = decryptDareRange(stored.subarray(plan.encOff, plan.encOff + plan.encLength), plan,
 *   (index) => derivePartKey(objectKey, parts[index].number));
 */
export function decryptDareRange(
  ciphertext: Uint8Array,
  plan: EncryptedRange,
  keyForPart: PartKeyLookup,
  options: RangeDecryptOptions = {},
): Uint8Array {
  checkBytes(ciphertext, 'ciphertext', 'decryptDareRange');
  const out = new Uint8Array(plan.length);
  let offset = 0;
  const emit = (bytes: Uint8Array) => {
    out.set(bytes, offset);
    offset += bytes.length;
  };
  const engine = new DareRangeDecryptor(plan, keyForPart, options);
  engine.write(ciphertext, emit);
  engine.end(emit);
  return out;
}

/** Creates a Web `TransformStream` that turns the stored bytes of a range read into its plaintext. */
export function createDareRangeDecryptStream(
  plan: EncryptedRange,
  keyForPart: PartKeyLookup,
  options: RangeDecryptOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  return engineToTransformStream(
    new DareRangeDecryptor(plan, keyForPart, options),
    'createDareRangeDecryptStream',
  );
}

/** Creates a Node.js `Transform` that turns the stored bytes of a range read into its plaintext. */
export function createDareRangeDecryptTransform(
  plan: EncryptedRange,
  keyForPart: PartKeyLookup,
  options: RangeDecryptOptions = {},
) {
  return engineToNodeTransform(
    new DareRangeDecryptor(plan, keyForPart, options),
    'createDareRangeDecryptTransform',
  );
}
