import type { Aead } from './aead.js';
import { CIPHER_BY_ID } from './aead.js';
import { defaultAeadBackend } from './aead-default.js';
import {
  FINAL_FLAG,
  HEADER_SIZE,
  MAX_PAYLOAD_SIZE,
  MAX_SEQUENCE_NUMBER,
  NONCE_SIZE,
  VERSION_20,
} from './constants.js';
import { DareError } from './errors.js';
import {
  checkCipher,
  checkKey,
  checkNonce,
  checkSequenceNumber,
  type DareEncryptOptions,
} from './options.js';

/** Pieces shorter than this are copied instead of held by reference. */
const SMALL_PIECE = 4096;

/** Receives output bytes; the receiver owns them. */
export type Emit = (bytes: Uint8Array) => void;

/**
 * Incremental DARE 2.0 encryption, shared by the buffer and stream APIs. It keeps at most one
 * package of plaintext (64 KiB), because a full package can be sealed only once it is known
 * whether more input follows: the last package carries the final flag.
 *
 * Input chunks of 4 KiB or more are held by reference until they are sealed, as Node and Web
 * streams hold queued chunks: do not modify a chunk after writing it.
 */
export class DareEncryptor {
  readonly #aead: Aead;
  readonly #cipherId: number;
  readonly #nonce: Uint8Array;
  readonly #pending: Uint8Array[] = [];
  #pendingLength = 0;
  #scratch: Uint8Array | undefined;
  #scratchUsed = 0;
  #scratchRunStart = -1;
  #sequenceNumber: number;
  #ended = false;

  constructor(key: Uint8Array, options: DareEncryptOptions = {}, fn = 'DareEncryptor') {
    checkKey(key, fn);
    const cipher = checkCipher(options.cipher, fn);
    this.#cipherId = CIPHER_BY_ID.indexOf(cipher);
    this.#nonce = checkNonce(options.nonce, fn);
    this.#sequenceNumber = checkSequenceNumber(options.sequenceNumber, fn);
    this.#aead = (options.backend ?? defaultAeadBackend()).createAead(cipher, key);
  }

  /** Adds plaintext; emits every package that is complete and known not to be the last. */
  write(chunk: Uint8Array, emit: Emit): void {
    if (this.#ended) {
      throw new Error('DARE encryption already ended: write all data before calling end()');
    }
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#pendingLength === MAX_PAYLOAD_SIZE) {
        this.#seal(false, emit);
      }
      const take = Math.min(MAX_PAYLOAD_SIZE - this.#pendingLength, chunk.length - offset);
      this.#append(chunk.subarray(offset, offset + take));
      offset += take;
    }
  }

  /** Emits the final package. An empty input produces no output at all. */
  end(emit: Emit): void {
    if (this.#ended) {
      return;
    }
    this.#ended = true;
    if (this.#pendingLength > 0) {
      this.#seal(true, emit);
    }
  }

  /**
   * Holds large pieces by reference and copies small ones into a 64 KiB scratch buffer, so that
   * many tiny writes do not become thousands of cipher calls per package.
   */
  #append(piece: Uint8Array): void {
    this.#pendingLength += piece.length;
    if (piece.length >= SMALL_PIECE) {
      this.#pending.push(piece);
      this.#scratchRunStart = -1;
      return;
    }
    this.#scratch ??= new Uint8Array(MAX_PAYLOAD_SIZE);
    const start = this.#scratchUsed;
    this.#scratch.set(piece, start);
    this.#scratchUsed += piece.length;
    if (this.#scratchRunStart < 0) {
      this.#scratchRunStart = start;
      this.#pending.push(this.#scratch.subarray(start, this.#scratchUsed));
    } else {
      const run = this.#scratch.subarray(this.#scratchRunStart, this.#scratchUsed);
      this.#pending[this.#pending.length - 1] = run;
    }
  }

  #seal(final: boolean, emit: Emit): void {
    if (this.#sequenceNumber > MAX_SEQUENCE_NUMBER) {
      throw new DareError(
        'DARE_SEQUENCE_OVERFLOW',
        'DARE stream is too long: sequence numbers are exhausted after 2^32 packages; split the data into several streams',
      );
    }
    const header = new Uint8Array(HEADER_SIZE);
    header[0] = VERSION_20;
    header[1] = this.#cipherId;
    const lengthField = this.#pendingLength - 1;
    header[2] = lengthField & 0xff;
    header[3] = lengthField >>> 8;
    header.set(this.#nonce, 4);
    header[4] = (this.#nonce[0]! & ~FINAL_FLAG) | (final ? FINAL_FLAG : 0);

    const nonce = aeadNonce(header, this.#sequenceNumber);
    const sealed = this.#aead.seal(nonce, header.subarray(0, 4), this.#pending);
    emit(header);
    for (const piece of sealed) {
      emit(piece);
    }
    // The scratch buffer is free again: the cipher has consumed the pending pieces.
    this.#pending.length = 0;
    this.#pendingLength = 0;
    this.#scratchUsed = 0;
    this.#scratchRunStart = -1;
    this.#sequenceNumber += 1;
  }
}

/**
 * Returns the AEAD nonce of a 2.0 package: header bytes 4…15 with the last four, read as a
 * little-endian uint32, XOR-ed with the sequence number.
 */
export function aeadNonce(header: Uint8Array, sequenceNumber: number): Uint8Array {
  const nonce = header.slice(4, 4 + NONCE_SIZE);
  nonce[8]! ^= sequenceNumber & 0xff;
  nonce[9]! ^= (sequenceNumber >>> 8) & 0xff;
  nonce[10]! ^= (sequenceNumber >>> 16) & 0xff;
  nonce[11]! ^= sequenceNumber >>> 24;
  return nonce;
}
