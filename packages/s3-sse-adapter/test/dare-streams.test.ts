import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  createDareDecryptStream,
  createDareDecryptTransform,
  createDareEncryptStream,
  createDareEncryptTransform,
  DareError,
  type DareErrorCode,
  decryptDare,
  encryptDare,
  encryptedSize,
} from '../src/dare/index.js';
import {
  chunked,
  concat,
  fromHex,
  patternBytes,
  readAll,
  sha256Hex,
  streamOf,
  TEST_KEY,
} from './dare-helpers.js';

const NONCE = fromHex('f0f1f2f3f4f5f6f7f8f9fafb');
// Empty, one byte, and one byte below, at and above the 64 KiB package size.
const EDGE_SIZES = [0, 1, 65_535, 65_536, 65_537];
const CHUNKINGS: number[][] = [[7, 13], [65_535, 1, 65_537], [3 * 1024 * 1024], [16, 100_000]];

async function throughWeb(
  stream: TransformStream<Uint8Array, Uint8Array>,
  chunks: readonly Uint8Array[],
): Promise<Uint8Array> {
  const out = await readAll(streamOf(chunks).pipeThrough(stream));
  for (const piece of out) {
    expect(piece.constructor).toBe(Uint8Array);
  }
  return concat(out);
}

async function throughNode(
  transform: NodeJS.ReadWriteStream,
  chunks: readonly Uint8Array[],
): Promise<Uint8Array> {
  const out: Uint8Array[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      out.push(chunk);
      callback();
    },
  });
  await pipeline(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), transform, sink);
  return concat(out);
}

async function codeOf(promise: Promise<unknown>): Promise<DareErrorCode | 'no error' | 'other'> {
  try {
    await promise;
    return 'no error';
  } catch (error) {
    return DareError.isInstance(error) ? error.code : 'other';
  }
}

describe('Web Streams DARE', () => {
  it('match buffer API bytes', async () => {
    for (const size of EDGE_SIZES) {
      const plaintext = patternBytes(size);
      const expected = encryptDare(TEST_KEY, plaintext, { nonce: NONCE });
      for (const sizes of CHUNKINGS) {
        const sealed = await throughWeb(
          createDareEncryptStream(TEST_KEY, { nonce: NONCE }),
          chunked(plaintext, sizes),
        );
        expect(sealed.length, `size ${size}`).toBe(encryptedSize(size));
        expect(sha256Hex(sealed), `size ${size} chunks ${sizes}`).toBe(sha256Hex(expected));
        const opened = await throughWeb(createDareDecryptStream(TEST_KEY), chunked(sealed, sizes));
        expect(sha256Hex(opened), `size ${size} chunks ${sizes}`).toBe(sha256Hex(plaintext));
      }
    }
  });

  it('single-byte chunks round-trip', async () => {
    const plaintext = patternBytes(3_000);
    const sealed = await throughWeb(createDareEncryptStream(TEST_KEY), chunked(plaintext, [1]));
    const opened = await throughWeb(createDareDecryptStream(TEST_KEY), chunked(sealed, [1]));
    expect(sha256Hex(opened)).toBe(sha256Hex(plaintext));
  });

  it('tiny chunks across boundary', async () => {
    // 1-byte chunks around the package boundary, large ones elsewhere.
    const sizes = [65_500, ...new Array<number>(100).fill(1), 70_000];
    const plaintext = patternBytes(200_000);
    const expected = encryptDare(TEST_KEY, plaintext, { nonce: NONCE });
    const sealed = await throughWeb(
      createDareEncryptStream(TEST_KEY, { nonce: NONCE }),
      chunked(plaintext, sizes),
    );
    expect(sha256Hex(sealed)).toBe(sha256Hex(expected));
    const opened = await throughWeb(createDareDecryptStream(TEST_KEY), chunked(sealed, sizes));
    expect(sha256Hex(opened)).toBe(sha256Hex(plaintext));
  });

  it('small chunks copied not referenced', async () => {
    const stream = createDareEncryptStream(TEST_KEY, { nonce: NONCE });
    const reading = new Response(stream.readable).arrayBuffer();
    const writer = stream.writable.getWriter();
    const reused = new Uint8Array(100);
    const plaintext = patternBytes(1_000);
    for (let offset = 0; offset < plaintext.length; offset += 100) {
      reused.set(plaintext.subarray(offset, offset + 100));
      await writer.write(reused);
    }
    await writer.close();
    const sealed = new Uint8Array(await reading);
    expect(sha256Hex(sealed)).toBe(sha256Hex(encryptDare(TEST_KEY, plaintext, { nonce: NONCE })));
  });

  it('truncation errors the stream', async () => {
    const sealed = encryptDare(TEST_KEY, patternBytes(200_000));
    const atBoundary = sealed.subarray(0, 2 * 65_568);
    const code = await codeOf(throughWeb(createDareDecryptStream(TEST_KEY), [atBoundary]));
    expect(code).toBe('DARE_UNEXPECTED_EOF');
    const inside = sealed.subarray(0, 70_000);
    expect(await codeOf(throughWeb(createDareDecryptStream(TEST_KEY), [inside]))).toBe(
      'DARE_UNEXPECTED_EOF',
    );
  });

  it('releases only verified packages', async () => {
    const plaintext = patternBytes(200_000);
    const sealed = encryptDare(TEST_KEY, plaintext);
    sealed[65_568 + 100]! ^= 1;
    const reader = streamOf([sealed]).pipeThrough(createDareDecryptStream(TEST_KEY)).getReader();
    const received: Uint8Array[] = [];
    let failure: unknown;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        received.push(value);
      }
    } catch (error) {
      failure = error;
    }
    expect(DareError.isInstance(failure)).toBe(true);
    expect((failure as DareError).code).toBe('DARE_AUTHENTICATION_FAILED');
    expect(sha256Hex(concat(received))).toBe(sha256Hex(plaintext.subarray(0, 65_536)));
  });

  it('cancel propagates to writer', async () => {
    const stream = createDareEncryptStream(TEST_KEY);
    const writer = stream.writable.getWriter();
    const reason = new Error('client went away');
    await stream.readable.cancel(reason);
    await expect(writer.write(new Uint8Array(10))).rejects.toBe(reason);
  });

  it('rejects non-byte chunks', async () => {
    const stream = createDareEncryptStream(TEST_KEY);
    const writer = stream.writable.getWriter();
    const read = stream.readable.getReader().read();
    const write = writer.write('text' as unknown as Uint8Array);
    await expect(write).rejects.toThrow(TypeError);
    await expect(read).rejects.toThrow(TypeError);
  });

  it('bad key throws at once', () => {
    expect(() => createDareEncryptStream(new Uint8Array(16))).toThrow(RangeError);
    expect(() => createDareDecryptStream('key' as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('Node stream DARE', () => {
  it('match buffer API bytes', async () => {
    for (const size of EDGE_SIZES) {
      const plaintext = patternBytes(size);
      const expected = encryptDare(TEST_KEY, plaintext, { nonce: NONCE });
      for (const sizes of CHUNKINGS) {
        const sealed = await throughNode(
          createDareEncryptTransform(TEST_KEY, { nonce: NONCE }),
          chunked(plaintext, sizes),
        );
        expect(sha256Hex(sealed), `size ${size} chunks ${sizes}`).toBe(sha256Hex(expected));
        const opened = await throughNode(
          createDareDecryptTransform(TEST_KEY),
          chunked(sealed, sizes),
        );
        expect(sha256Hex(opened), `size ${size} chunks ${sizes}`).toBe(sha256Hex(plaintext));
      }
    }
  });

  it('decrypts from sequence number', async () => {
    const plaintext = patternBytes(204_800);
    const sealed = encryptDare(TEST_KEY, plaintext);
    const tail = sealed.subarray(2 * 65_568);
    const opened = await throughNode(createDareDecryptTransform(TEST_KEY, { sequenceNumber: 2 }), [
      tail,
    ]);
    expect(sha256Hex(opened)).toBe(sha256Hex(plaintext.subarray(2 * 65_536)));
    const web = await throughWeb(createDareDecryptStream(TEST_KEY, { sequenceNumber: 2 }), [tail]);
    expect(sha256Hex(web)).toBe(sha256Hex(plaintext.subarray(2 * 65_536)));
  });

  it('tampering rejects the pipeline', async () => {
    const sealed = encryptDare(TEST_KEY, patternBytes(140_000));
    const tampered = sealed.slice();
    tampered[tampered.length - 1]! ^= 0x80;
    const code = await codeOf(throughNode(createDareDecryptTransform(TEST_KEY), [tampered]));
    expect(code).toBe('DARE_AUTHENTICATION_FAILED');
    const appended = concat([sealed, new Uint8Array([0x20])]);
    expect(await codeOf(throughNode(createDareDecryptTransform(TEST_KEY), [appended]))).toBe(
      'DARE_DATA_AFTER_FINAL',
    );
    const truncated = sealed.subarray(0, 65_568);
    expect(await codeOf(throughNode(createDareDecryptTransform(TEST_KEY), [truncated]))).toBe(
      'DARE_UNEXPECTED_EOF',
    );
  });

  it('slow reader never stalls', async () => {
    // Chunks above 64 KiB into a reader with a 1 KiB buffer that acknowledges on a later tick:
    // a read request arriving while a slice is pushed must not be lost.
    const chunks = [70_000, 70_000, 70_000, 300_000].map((size, index) =>
      patternBytes(size + index),
    );
    const stored: Uint8Array[] = [];
    const slowSink = new Writable({
      highWaterMark: 1024,
      write(chunk, _encoding, callback) {
        stored.push(chunk);
        setImmediate(callback);
      },
    });
    await pipeline(Readable.from(chunks), createDareEncryptTransform(TEST_KEY), slowSink);
    const plaintext = decryptDare(TEST_KEY, Buffer.concat(stored));
    expect(Buffer.from(plaintext).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('feeds a for-await reader', async () => {
    // An async-iterator reader calls read() only when it wants data; the transform must keep
    // feeding it across packages of a chunk that spans more than one.
    const sealed = encryptDare(TEST_KEY, new Uint8Array(70_000), { nonce: new Uint8Array(12) });
    const chunks = [sealed.slice(0, 46), sealed.slice(46, 69_689), sealed.slice(69_689)];
    let received = 0;
    await pipeline(Readable.from(chunks), createDareDecryptTransform(TEST_KEY), async (source) => {
      for await (const part of source) received += (part as Buffer).length;
    });
    expect(received).toBe(70_000);
  });

  it('destroy stops the pipeline', async () => {
    const transform = createDareEncryptTransform(TEST_KEY);
    // An endless source that yields to the event loop between chunks, as sockets and files do.
    const source = new Readable({
      read() {
        setImmediate(() => this.push(Buffer.alloc(65_536)));
      },
    });
    const sink = new Writable({
      write(_chunk, _encoding, callback) {
        callback();
      },
    });
    const running = pipeline(source, transform, sink);
    setTimeout(() => transform.destroy(new Error('aborted by test')), 5);
    await expect(running).rejects.toThrow('aborted by test');
    expect(source.destroyed).toBe(true);
  });

  it('large chunk respects backpressure', async () => {
    const plaintext = patternBytes(4 * 1024 * 1024);
    const transform = createDareEncryptTransform(TEST_KEY);
    transform.write(plaintext);
    await new Promise((resolve) => setImmediate(resolve));
    // One 64 KiB slice is processed per read: the queue contains about one package, not 4 MiB.
    expect(transform.readableLength).toBeLessThanOrEqual(2 * 65_568);
    transform.end();
    const out: Uint8Array[] = [];
    for await (const piece of transform) {
      out.push(piece);
    }
    const sealed = concat(out);
    expect(sealed.length).toBe(encryptedSize(plaintext.length));
    expect(sha256Hex(decryptDare(TEST_KEY, sealed))).toBe(sha256Hex(plaintext));
  });

  it('large ciphertext chunk bounded', async () => {
    const plaintext = patternBytes(4 * 1024 * 1024);
    const sealed = encryptDare(TEST_KEY, plaintext);
    const transform = createDareDecryptTransform(TEST_KEY);
    transform.write(sealed);
    await new Promise((resolve) => setImmediate(resolve));
    expect(transform.readableLength).toBeLessThanOrEqual(2 * 65_536);
    transform.end();
    const out: Uint8Array[] = [];
    for await (const piece of transform) {
      out.push(piece);
    }
    expect(sha256Hex(concat(out))).toBe(sha256Hex(plaintext));
  });
});
