import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { DareError, encryptDare, encryptedSize } from '../src/dare/index.js';
import {
  createDareRangeDecryptStream,
  createDareRangeDecryptTransform,
  decryptDareRange,
  derivePartKey,
  type EncryptedRange,
  getEncryptedRange,
  InvalidRangeError,
  parseRangeHeader,
} from '../src/range/index.js';
import { chunked, concat, readAll, sameBytes, streamOf } from './dare-helpers.js';

const MIB = 1024 * 1024;
const PART_SIZES = [5 * MIB, MIB + 7];
const TOTAL = PART_SIZES[0]! + PART_SIZES[1]!;

/** A multipart object as MinIO stores it: each part a DARE stream under its own part key. */
let plaintext: Uint8Array;
let stored: Uint8Array;
let objectKey: Uint8Array;
let partKeys: Uint8Array[];

beforeAll(() => {
  plaintext = new Uint8Array(randomBytes(TOTAL));
  objectKey = new Uint8Array(randomBytes(32));
  partKeys = PART_SIZES.map((_, index) => derivePartKey(objectKey, index + 1));
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [index, size] of PART_SIZES.entries()) {
    parts.push(encryptDare(partKeys[index]!, plaintext.subarray(offset, offset + size)));
    offset += size;
  }
  stored = concat(parts);
  expect(stored.length).toBe(encryptedSize(PART_SIZES[0]!) + encryptedSize(PART_SIZES[1]!));
});

function planFor(header: string): EncryptedRange {
  return getEncryptedRange(PART_SIZES, parseRangeHeader(header));
}

function readRange(plan: EncryptedRange): Uint8Array {
  const bytes = stored.subarray(plan.encOff, plan.encOff + plan.encLength);
  return decryptDareRange(bytes, plan, (index) => partKeys[index]!);
}

describe('multipart range reads', () => {
  const cases: Array<[string, number, number]> = [
    ['bytes=5242871-5242891', 5_242_871, 21],
    ['bytes=65535-65536', 65_535, 2],
    ['bytes=65536-65536', 65_536, 1],
    ['bytes=0-0', 0, 1],
    ['bytes=-8', TOTAL - 8, 8],
    ['bytes=5242880-', 5_242_880, MIB + 7],
  ];

  it('slices equal plaintext slices', () => {
    for (const [header, offset, length] of cases) {
      const plan = planFor(header);
      expect(plan.offset, header).toBe(offset);
      expect(plan.length, header).toBe(length);
      const slice = readRange(plan);
      expect(sameBytes(slice, plaintext.subarray(offset, offset + length)), header).toBe(true);
    }
  });

  it('offsets follow package arithmetic', () => {
    for (const [header, offset] of cases) {
      const plan = planFor(header);
      const inSecond = offset >= PART_SIZES[0]!;
      const partOffset = inSecond ? offset - PART_SIZES[0]! : offset;
      const earlier = inSecond ? encryptedSize(PART_SIZES[0]!) : 0;
      const packageIndex = Math.floor(partOffset / 65_536);
      expect(plan.partStart, header).toBe(inSecond ? 1 : 0);
      expect(plan.encOff, header).toBe(earlier + packageIndex * 65_568);
      expect(plan.seq, header).toBe(packageIndex);
      expect(plan.skip, header).toBe(offset % 65_536);
    }
  });

  it('straddling range spans two parts', () => {
    const plan = planFor('bytes=5242871-5242891');
    expect(plan.segments.map((segment) => [segment.partIndex, segment.seq])).toEqual([
      [0, 79],
      [1, 0],
    ]);
    expect(plan.segments[0]!.reachesPartEnd).toBe(true);
    expect(plan.segments[1]!.reachesPartEnd).toBe(false);
  });

  it('boundary sweep matches plaintext', () => {
    const starts = [
      0,
      1,
      65_535,
      65_536,
      65_537,
      5 * MIB - 65_537,
      5 * MIB - 1,
      5 * MIB,
      5 * MIB + 1,
      TOTAL - 7,
      TOTAL - 1,
    ];
    const lengths = [1, 2, 65_536, 65_537, 200_000];
    let checked = 0;
    for (const start of starts) {
      for (const length of lengths) {
        const header = `bytes=${start}-${start + length - 1}`;
        const plan = planFor(header);
        const expected = plaintext.subarray(start, Math.min(start + length, TOTAL));
        expect(sameBytes(readRange(plan), expected), header).toBe(true);
        checked += 1;
      }
    }
    expect(checked).toBe(55);
  });

  it('whole object without range', () => {
    const plan = getEncryptedRange(PART_SIZES, parseRangeHeader(undefined));
    expect(plan.encLength).toBe(stored.length);
    expect(sameBytes(readRange(plan), plaintext)).toBe(true);
  });

  it('range past end 416', () => {
    let caught: unknown;
    try {
      planFor(`bytes=${TOTAL}-`);
    } catch (error) {
      caught = error;
    }
    expect(InvalidRangeError.isInstance(caught)).toBe(true);
  });

  it('streams decrypt straddling range', async () => {
    const plan = planFor('bytes=5200000-5300000');
    const bytes = stored.subarray(plan.encOff, plan.encOff + plan.encLength);
    const expected = plaintext.subarray(5_200_000, 5_300_001);
    const web = await readAll(
      streamOf(chunked(bytes, [65_568, 5, 100_000])).pipeThrough(
        createDareRangeDecryptStream(plan, (index) => partKeys[index]!),
      ),
    );
    expect(sameBytes(concat(web), expected)).toBe(true);
    const node: Uint8Array[] = [];
    await pipeline(
      Readable.from(chunked(bytes, [1_000, 70_001, 3]).map((chunk) => Buffer.from(chunk))),
      createDareRangeDecryptTransform(plan, (index) => partKeys[index]!),
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          node.push(chunk);
          callback();
        },
      }),
    );
    expect(sameBytes(concat(node), expected)).toBe(true);
  });

  it('wrong part key fails', () => {
    const plan = planFor('bytes=5242871-5242891');
    const bytes = stored.subarray(plan.encOff, plan.encOff + plan.encLength);
    expect(() => decryptDareRange(bytes, plan, () => partKeys[0]!)).toThrow(DareError);
    expect(() => decryptDareRange(bytes, plan, () => objectKey)).toThrow(DareError);
  });

  it('short or long input fails', () => {
    const plan = planFor('bytes=100-70000');
    const bytes = stored.subarray(plan.encOff, plan.encOff + plan.encLength);
    const keys = (index: number) => partKeys[index]!;
    for (const input of [
      bytes.subarray(0, bytes.length - 1),
      bytes.subarray(0, 65_568),
      concat([bytes, new Uint8Array(1)]),
    ]) {
      let caught: unknown;
      try {
        decryptDareRange(input, plan, keys);
      } catch (error) {
        caught = error;
      }
      expect(DareError.isInstance(caught), `input ${input.length}`).toBe(true);
    }
  });

  it('last part truncation detected', () => {
    const plan = planFor('bytes=-8');
    const bytes = stored.subarray(plan.encOff, plan.encOff + plan.encLength);
    const cut = bytes.subarray(0, bytes.length - 1);
    const shorter = {
      ...plan,
      encLength: cut.length,
      segments: [{ ...plan.segments[0]!, encLength: cut.length }],
    };
    expect(() => decryptDareRange(cut, shorter, (index) => partKeys[index]!)).toThrow(DareError);
  });
});
