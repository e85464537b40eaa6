import { type Aead, type AeadOpener, CIPHER_BY_ID } from './aead.js';
import { defaultAeadBackend } from './aead-default.js';
import {
  FINAL_FLAG,
  HEADER_SIZE,
  MAX_PAYLOAD_SIZE,
  MAX_SEQUENCE_NUMBER,
  NONCE_SIZE,
  TAG_SIZE,
  VERSION_10,
  VERSION_20,
} from './constants.js';
import { aeadNonce, type Emit } from './encryptor.js';
import { DareError } from './errors.js';
import { checkKey, checkSequenceNumber, type DareDecryptOptions } from './options.js';

type Phase = 'header' | 'payload' | 'tag' | 'done' | 'failed';

/**
 * Incremental DARE decryption (1.0 and 2.0), shared by the buffer and stream APIs. Each package
 * is checked in sio's order (version, cipher suite, payload size, header nonce or sequence
 * number, tag), and its plaintext is emitted only after its tag verifies. Ciphertext is fed to
 * the cipher as it arrives, so at most one package of plaintext is held.
 */
export class DareDecryptor {
  readonly #key: Uint8Array;
  readonly #backendAead: (cipherId: number) => Aead;
  readonly #minVersion: number;
  readonly #maxVersion: number;
  readonly #acceptedCiphers: ReadonlySet<number>;
  readonly #expectFinal: boolean;
  readonly #header = new Uint8Array(HEADER_SIZE);
  readonly #tag = new Uint8Array(TAG_SIZE);
  #phase: Phase = 'header';
  #fill = 0;
  #payloadLeft = 0;
  #opener: AeadOpener | undefined;
  #final = false;
  #version: number | undefined;
  #cipherId: number | undefined;
  #headerNonce: Uint8Array | undefined;
  #sequenceNumber: number;
  #packages = 0;
  #error: DareError | undefined;

  constructor(key: Uint8Array, options: DareDecryptOptions = {}, fn = 'DareDecryptor') {
    checkKey(key, fn);
    this.#key = key.slice();
    this.#minVersion = checkVersion(options.minVersion, 2, 'minVersion', fn);
    this.#maxVersion = checkVersion(options.maxVersion, 2, 'maxVersion', fn);
    if (this.#minVersion > this.#maxVersion) {
      throw new RangeError(`${fn}: option \`minVersion\` must not be greater than \`maxVersion\``);
    }
    this.#sequenceNumber = checkSequenceNumber(options.sequenceNumber, fn);
    this.#acceptedCiphers = checkCipherSuites(options.cipherSuites, fn);
    this.#expectFinal = options.expectFinal ?? true;
    const backend = options.backend ?? defaultAeadBackend();
    const aeads = new Map<number, Aead>();
    this.#backendAead = (cipherId) => {
      let aead = aeads.get(cipherId);
      if (aead === undefined) {
        aead = backend.createAead(CIPHER_BY_ID[cipherId]!, this.#key);
        aeads.set(cipherId, aead);
      }
      return aead;
    };
  }

  /** Adds ciphertext; emits the plaintext of every package that completes and verifies. */
  write(chunk: Uint8Array, emit: Emit): void {
    this.#throwIfFailed();
    try {
      this.#consume(chunk, emit);
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Checks that the input ended where a stream may end. */
  end(_emit: Emit): void {
    this.#throwIfFailed();
    if (this.#phase === 'done') {
      return;
    }
    if (this.#phase !== 'header' || this.#fill !== 0) {
      this.#fail(
        new DareError(
          'DARE_UNEXPECTED_EOF',
          `DARE ciphertext ends inside package ${this.#packages}: the object is truncated`,
        ),
      );
    }
    if (this.#version === VERSION_20 && this.#expectFinal) {
      this.#fail(
        new DareError(
          'DARE_UNEXPECTED_EOF',
          `DARE ciphertext ends after package ${this.#packages - 1} without the final package: the object is truncated`,
        ),
      );
    }
    this.#phase = 'done';
  }

  #consume(chunk: Uint8Array, emit: Emit): void {
    let offset = 0;
    while (offset < chunk.length) {
      switch (this.#phase) {
        case 'header': {
          const take = Math.min(HEADER_SIZE - this.#fill, chunk.length - offset);
          this.#header.set(chunk.subarray(offset, offset + take), this.#fill);
          this.#fill += take;
          offset += take;
          if (this.#fill === HEADER_SIZE) {
            this.#startPackage();
          }
          break;
        }
        case 'payload': {
          const take = Math.min(this.#payloadLeft, chunk.length - offset);
          this.#opener!.update(chunk.subarray(offset, offset + take));
          this.#payloadLeft -= take;
          offset += take;
          if (this.#payloadLeft === 0) {
            this.#phase = 'tag';
            this.#fill = 0;
          }
          break;
        }
        case 'tag': {
          const take = Math.min(TAG_SIZE - this.#fill, chunk.length - offset);
          this.#tag.set(chunk.subarray(offset, offset + take), this.#fill);
          this.#fill += take;
          offset += take;
          if (this.#fill === TAG_SIZE) {
            this.#finishPackage(emit);
          }
          break;
        }
        default:
          throw new DareError(
            'DARE_DATA_AFTER_FINAL',
            `DARE ciphertext continues after its final package (package ${this.#packages - 1}): ` +
              'data was appended to the object or two streams were concatenated',
          );
      }
    }
  }

  #startPackage(): void {
    const header = this.#header;
    const index = this.#packages;
    const version = header[0]!;
    if (this.#version === undefined) {
      this.#checkFirstVersion(version);
      this.#version = version;
    } else if (version !== this.#version) {
      throw new DareError(
        'DARE_UNSUPPORTED_VERSION',
        `DARE package ${index} has version byte 0x${hex(version)} but the stream started with 0x${hex(this.#version)}`,
      );
    }

    const cipherId = header[1]!;
    if (!this.#acceptedCiphers.has(cipherId)) {
      throw new DareError(
        'DARE_UNSUPPORTED_CIPHER',
        cipherId < CIPHER_BY_ID.length
          ? `DARE package ${index} uses ${CIPHER_BY_ID[cipherId]}, which option \`cipherSuites\` does not accept`
          : `DARE package ${index} names unknown cipher suite 0x${hex(cipherId)}: the data is not DARE or was modified`,
      );
    }
    if (this.#cipherId !== undefined && cipherId !== this.#cipherId) {
      throw new DareError(
        'DARE_UNSUPPORTED_CIPHER',
        `DARE package ${index} changes the cipher suite within the stream: the data was modified`,
      );
    }
    this.#cipherId = cipherId;

    if (this.#sequenceNumber > MAX_SEQUENCE_NUMBER) {
      throw new DareError(
        'DARE_SEQUENCE_OVERFLOW',
        `DARE ciphertext has more packages than sequence numbers (2^32): the data is not a valid DARE stream`,
      );
    }
    const payloadLength = (header[2]! | (header[3]! << 8)) + 1;
    const nonce =
      this.#version === VERSION_20 ? this.#checkV20(payloadLength) : this.#checkV10(header);

    this.#opener = this.#backendAead(cipherId).open(nonce, header.subarray(0, 4));
    this.#payloadLeft = payloadLength;
    this.#phase = 'payload';
    this.#fill = 0;
  }

  #checkFirstVersion(version: number): void {
    if (version !== VERSION_10 && version !== VERSION_20) {
      throw new DareError(
        'DARE_UNSUPPORTED_VERSION',
        `DARE ciphertext starts with version byte 0x${hex(version)}, which is neither 1.0 (0x10) nor 2.0 (0x20): the data is not DARE or was modified`,
      );
    }
    const major = version === VERSION_20 ? 2 : 1;
    if (major < this.#minVersion) {
      throw new DareError(
        'DARE_UNSUPPORTED_VERSION',
        'DARE ciphertext is version 1.0, which this call does not accept: pass `minVersion: 1` to read legacy data',
      );
    }
    if (major > this.#maxVersion) {
      throw new DareError(
        'DARE_UNSUPPORTED_VERSION',
        'DARE ciphertext is version 2.0, but option `maxVersion` is 1',
      );
    }
  }

  #checkV20(payloadLength: number): Uint8Array {
    const header = this.#header;
    const index = this.#packages;
    this.#final = (header[4]! & FINAL_FLAG) !== 0;
    if (!this.#final && payloadLength !== MAX_PAYLOAD_SIZE) {
      throw new DareError(
        'DARE_INVALID_PAYLOAD_SIZE',
        `DARE package ${index} is not final but contains ${payloadLength} bytes instead of ${MAX_PAYLOAD_SIZE}: the object is truncated or was modified`,
      );
    }
    const reference = this.#headerNonce;
    if (reference === undefined) {
      const headerNonce = header.slice(4, 4 + NONCE_SIZE);
      headerNonce[0]! &= ~FINAL_FLAG;
      this.#headerNonce = headerNonce;
    } else {
      let differs = (header[4]! & ~FINAL_FLAG) ^ reference[0]!;
      for (let i = 1; i < NONCE_SIZE; i++) {
        differs |= header[4 + i]! ^ reference[i]!;
      }
      if (differs !== 0) {
        throw new DareError(
          'DARE_HEADER_NONCE_MISMATCH',
          `DARE package ${index} carries another stream's nonce: packages of different objects were mixed`,
        );
      }
    }
    return aeadNonce(header, this.#sequenceNumber);
  }

  #checkV10(header: Uint8Array): Uint8Array {
    const sequenceNumber =
      (header[4]! | (header[5]! << 8) | (header[6]! << 16) | (header[7]! << 24)) >>> 0;
    if (sequenceNumber !== this.#sequenceNumber) {
      throw new DareError(
        'DARE_SEQUENCE_NUMBER_MISMATCH',
        `DARE 1.0 package ${this.#packages} has sequence number ${sequenceNumber}, expected ${this.#sequenceNumber}: packages were reordered, dropped or the start sequence number is wrong`,
      );
    }
    return header.slice(4, 4 + NONCE_SIZE);
  }

  #finishPackage(emit: Emit): void {
    let plaintext: Uint8Array[];
    try {
      plaintext = this.#opener!.final(this.#tag);
    } catch (cause) {
      throw new DareError(
        'DARE_AUTHENTICATION_FAILED',
        `DARE package ${this.#packages} failed authentication: the key or start sequence number is wrong, or the ciphertext was modified, reordered or truncated`,
        { cause },
      );
    }
    this.#opener = undefined;
    this.#packages += 1;
    this.#sequenceNumber += 1;
    this.#fill = 0;
    this.#phase = this.#version === VERSION_20 && this.#final ? 'done' : 'header';
    for (const piece of plaintext) {
      emit(piece);
    }
  }

  #fail(error: unknown): never {
    this.#phase = 'failed';
    this.#opener = undefined;
    this.#error = DareError.isInstance(error)
      ? error
      : new DareError('DARE_AUTHENTICATION_FAILED', 'DARE decryption failed', { cause: error });
    throw this.#error;
  }

  #throwIfFailed(): void {
    if (this.#error !== undefined) {
      throw this.#error;
    }
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}

function checkVersion(value: unknown, fallback: number, name: string, fn: string): number {
  if (value === undefined) {
    return fallback;
  }
  if (value !== 1 && value !== 2) {
    throw new RangeError(`${fn}: option \`${name}\` must be 1 or 2, got ${String(value)}`);
  }
  return value;
}

function checkCipherSuites(value: readonly unknown[] | undefined, fn: string): Set<number> {
  if (value === undefined) {
    return new Set([0, 1]);
  }
  const ids = new Set<number>();
  for (const cipher of value) {
    const id = CIPHER_BY_ID.indexOf(cipher as never);
    if (id < 0) {
      throw new RangeError(
        `${fn}: option \`cipherSuites\` may contain only 'AES-256-GCM' and 'ChaCha20-Poly1305', got ${String(cipher)}`,
      );
    }
    ids.add(id);
  }
  if (ids.size === 0) {
    throw new RangeError(`${fn}: option \`cipherSuites\` must name at least one cipher suite`);
  }
  return ids;
}
