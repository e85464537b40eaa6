import { createHash } from 'node:crypto';
import vectorFile from './fixtures/dare-vectors.json' with { type: 'json' };

/** One vector of the fixture file; fields depend on `kind`. */
export interface Vector {
  name: string;
  kind: string;
  // biome-ignore lint/suspicious/noExplicitAny: vector fields vary by kind
  inputs: any;
  // biome-ignore lint/suspicious/noExplicitAny: vector fields vary by kind
  expected: any;
  // biome-ignore lint/suspicious/noExplicitAny: only some vectors differ from MinIO on purpose
  kmskit_expected?: any;
}

/** Returns the vectors of `kind` from the fixture file. */
export function vectorsOf(kind: string): Vector[] {
  return (vectorFile.vectors as Vector[]).filter((vector) => vector.kind === kind);
}

/** Returns `kmskit_expected` where a vector has it, else `expected`. */
export function expectedOf(vector: Vector) {
  return vector.kmskit_expected ?? vector.expected;
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The vectors' plaintext rule: byte i is i mod 256. */
export function patternBytes(length: number, start = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = (start + i) & 0xff;
  }
  return out;
}

/** Maps the vectors' cipher names to ours. */
export function cipherOf(name: string): 'AES-256-GCM' | 'ChaCha20-Poly1305' {
  if (name === 'AES_256_GCM') {
    return 'AES-256-GCM';
  }
  if (name === 'CHACHA20_POLY1305') {
    return 'ChaCha20-Poly1305';
  }
  throw new Error(`unknown cipher suite in vector: ${name}`);
}

/** The 32-byte key 00 01 … 1f that sio's tests use. */
export const TEST_KEY = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

/** Splits `bytes` into chunks whose sizes cycle through `sizes`. */
export function chunked(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = sizes[i % sizes.length]!;
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
    i += 1;
  }
  return chunks;
}

/** Concatenates byte arrays. */
export function concat(pieces: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(pieces));
}

/** Compares bytes fast; `toEqual` walks large typed arrays element by element. */
export function sameBytes(actual: Uint8Array, expected: Uint8Array): boolean {
  return actual.length === expected.length && Buffer.compare(actual, expected) === 0;
}

/** Returns a Web `ReadableStream` of `chunks`. */
export function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(chunk);
      }
      controller.close();
    },
  });
}

/** Reads a Web `ReadableStream` to the end and returns every chunk. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return chunks;
    }
    chunks.push(value);
  }
}
