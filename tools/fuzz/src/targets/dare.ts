/**
 * DARE packages and streams: ciphertexts made by `encryptDare` with fixed keys and nonces, then
 * damaged, decrypted whole (`decryptDare`) and in random chunks through the Web and Node
 * streams. An intact ciphertext must give its plaintext, in every chunking; anything else must
 * fail with a `DareError`, and a stream must never release plaintext it did not authenticate.
 */

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createDareDecryptStream,
  createDareDecryptTransform,
  type DareCipher,
  DareError,
  decryptDare,
  encryptDare,
} from '@kmskit/s3-sse-adapter';
import fc from 'fast-check';
import { fixedKey, type Mutation, mutate, mutationArbitrary } from '../fixtures.js';
import { ensure, sameBytes, UnexpectedOutcome, withinTime } from '../outcome.js';
import { defineTarget } from '../target.js';

const KEY = fixedKey('dare key');
const PACKAGE = 64 * 1024;

interface DareInput {
  /** Plaintext length and a fill byte: large plaintexts stay cheap to describe. */
  length: number;
  fill: number;
  cipher: DareCipher;
  nonce: Uint8Array;
  /** Damage near a package boundary when `atPackage` is set, anywhere otherwise. */
  mutation: Mutation;
  atPackage: number | null;
  minVersion: 1 | 2;
  /** Chunk sizes for the streams, cycled. */
  chunks: number[];
}

const dareInput: fc.Arbitrary<DareInput> = fc.record({
  length: fc.oneof(
    { weight: 6, arbitrary: fc.nat(300) },
    { weight: 1, arbitrary: fc.constantFrom(PACKAGE - 1, PACKAGE, PACKAGE + 1, 2 * PACKAGE + 7) },
  ),
  fill: fc.nat(255),
  cipher: fc.constantFrom<DareCipher>('AES-256-GCM', 'ChaCha20-Poly1305'),
  nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  mutation: mutationArbitrary,
  atPackage: fc.option(fc.integer({ min: 0, max: 2 }), { freq: 3 }),
  minVersion: fc.constantFrom<1 | 2>(1, 2),
  chunks: fc.array(fc.integer({ min: 1, max: 70_000 }), { minLength: 1, maxLength: 4 }),
});

function build(input: DareInput): {
  plaintext: Uint8Array;
  sealed: Uint8Array;
  ciphertext: Uint8Array;
} {
  const plaintext = new Uint8Array(input.length).fill(input.fill);
  const sealed = encryptDare(KEY, plaintext, { nonce: input.nonce, cipher: input.cipher });
  let mutation = input.mutation;
  // Aim index-based damage at a package header when asked: 16-byte header, 64 KiB, 16-byte tag.
  if (input.atPackage !== null && (mutation.kind === 'flip' || mutation.kind === 'replace')) {
    const start = input.atPackage * (PACKAGE + 32);
    mutation = { ...mutation, index: start + (mutation.index % 32) };
  }
  const ciphertext = mutate(sealed, mutation);
  // DARE stores nothing for an empty plaintext, so an empty input is a valid, empty stream; the
  // S3 adapter checks the stored size against the metadata before it decrypts.
  return ciphertext.length === 0
    ? { plaintext: new Uint8Array(0), sealed: ciphertext, ciphertext }
    : { plaintext, sealed, ciphertext };
}

function chunksOf(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let offset = 0;
  let i = 0;
  while (offset < bytes.length) {
    const size = sizes[i++ % sizes.length]!;
    out.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return out;
}

/** Checks one outcome: intact input gives the plaintext, damaged input a `DareError`. */
function judge(
  what: string,
  intact: boolean,
  plaintext: Uint8Array,
  result: Uint8Array | undefined,
  error: unknown,
  released: number,
): void {
  if (error !== undefined) {
    if (!DareError.isInstance(error))
      throw new UnexpectedOutcome(`${what} threw a non-DareError`, { cause: error });
    ensure(!intact, `${what} rejected an intact ciphertext: ${error.code}`);
    // Released plaintext must be a prefix of the real one: only authenticated packages come out.
    ensure(released <= plaintext.length, `${what} released more bytes than the plaintext has`);
    return;
  }
  ensure(
    result !== undefined && sameBytes(result, plaintext),
    `${what} returned other bytes than were encrypted`,
  );
}

export const darePackage = defineTarget<DareInput>({
  name: 'dare-package',
  seededRuns: 2000,
  arbitrary: dareInput,
  check(input) {
    const { plaintext, sealed, ciphertext } = build(input);
    const intact = sameBytes(sealed, ciphertext);
    let result: Uint8Array | undefined;
    let error: unknown;
    try {
      result = decryptDare(KEY, ciphertext, { minVersion: input.minVersion });
    } catch (caught) {
      error = caught;
    }
    judge('decryptDare', intact, plaintext, result, error, 0);
  },
});

export const dareStream = defineTarget<DareInput>({
  name: 'dare-stream',
  seededRuns: 1000,
  arbitrary: dareInput,
  async check(input) {
    const { plaintext, sealed, ciphertext } = build(input);
    const intact = sameBytes(sealed, ciphertext);
    const chunks = chunksOf(ciphertext, input.chunks);

    // Web TransformStream.
    const web: Uint8Array[] = [];
    let webError: unknown;
    try {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      }).pipeThrough(createDareDecryptStream(KEY, { minVersion: input.minVersion }));
      await withinTime(
        (async () => {
          const reader = stream.getReader();
          for (;;) {
            const next = await reader.read();
            if (next.done) break;
            web.push(next.value);
          }
        })(),
        5000,
        'the Web decrypt stream',
      );
    } catch (caught) {
      if (caught instanceof UnexpectedOutcome) throw caught;
      webError = caught;
    }
    const webBytes = new Uint8Array(Buffer.concat(web));
    judge('createDareDecryptStream', intact, plaintext, webBytes, webError, webBytes.length);
    if (webError !== undefined)
      ensure(
        sameBytes(webBytes, plaintext.subarray(0, webBytes.length)),
        'the Web stream released unauthenticated bytes',
      );

    // Node Transform.
    const node: Buffer[] = [];
    let nodeError: unknown;
    try {
      await withinTime(
        // An async-iterator sink: it reads only when it wants data, unlike a Writable.
        pipeline(
          Readable.from(chunks, { objectMode: false }),
          createDareDecryptTransform(KEY, { minVersion: input.minVersion }),
          async (source: AsyncIterable<Buffer>) => {
            for await (const part of source) node.push(part);
          },
        ),
        5000,
        'the Node decrypt transform',
      );
    } catch (caught) {
      if (caught instanceof UnexpectedOutcome) throw caught;
      nodeError = caught;
    }
    const nodeBytes = new Uint8Array(Buffer.concat(node));
    judge('createDareDecryptTransform', intact, plaintext, nodeBytes, nodeError, nodeBytes.length);
    if (nodeError !== undefined)
      ensure(
        sameBytes(nodeBytes, plaintext.subarray(0, nodeBytes.length)),
        'the Node transform released unauthenticated bytes',
      );
  },
});
