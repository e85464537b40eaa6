import { describe, expect, it } from 'vitest';
import {
  decryptedPartSizes,
  derivePartKey,
  derivePartNonce,
  getEncryptedRange,
  InvalidRangeError,
  parseRangeHeader,
} from '../src/range/index.js';
import { expectedOf, fromHex, toHex, vectorsOf } from './dare-helpers.js';

type RunLength = { value: number; count: number };
type Sizes = Array<number | RunLength> | RunLength;

/** Expands the vectors' run-length form `{ value, count }`, alone or inside an array. */
function expand(sizes: Sizes): number[] {
  const list = Array.isArray(sizes) ? sizes : [sizes];
  return list.flatMap((entry) =>
    typeof entry === 'number' ? [entry] : new Array<number>(entry.count).fill(entry.value),
  );
}

interface RangeCase {
  name: string;
  header: string | null;
  storedSize: number;
  encryptedPartSizes: number[];
  decryptedPartSizes: number[];
  // biome-ignore lint/suspicious/noExplicitAny: vector fields
  expected: any;
}

function checkCase(rangeCase: RangeCase): void {
  const { name, expected } = rangeCase;
  const sum = rangeCase.encryptedPartSizes.reduce((a, b) => a + b, 0);
  expect(sum, name).toBe(rangeCase.storedSize);
  const partSizes = decryptedPartSizes(rangeCase.encryptedPartSizes);
  expect(partSizes, name).toEqual(rangeCase.decryptedPartSizes);
  const header = rangeCase.header === '(none)' ? null : rangeCase.header;
  if (expected.error === 'InvalidRange') {
    let caught: unknown;
    try {
      getEncryptedRange(partSizes, parseRangeHeader(header));
    } catch (error) {
      caught = error;
    }
    expect(InvalidRangeError.isInstance(caught), name).toBe(true);
    expect((caught as InvalidRangeError).status).toBe(416);
    return;
  }
  expect(expected.error, name).toBeNull();
  const plan = getEncryptedRange(partSizes, parseRangeHeader(header));
  expect(plan.encOff, name).toBe(expected.encOff);
  expect(plan.encLength, name).toBe(expected.encLength);
  expect(plan.skip, name).toBe(expected.skipLen);
  expect(plan.seq, name).toBe(expected.seqNumber);
  expect(plan.partStart, name).toBe(expected.partStart);
  if (expected.decryptedRangeLength !== undefined) {
    expect(plan.length, name).toBe(expected.decryptedRangeLength);
  }
  const segmentBytes = plan.segments.reduce((total, segment) => total + segment.encLength, 0);
  expect(segmentBytes, name).toBe(plan.encLength);
}

describe('range-math vectors', () => {
  it('match GetDecryptedRange numbers', () => {
    let count = 0;
    for (const vector of vectorsOf('range-math')) {
      const { inputs } = vector;
      const encryptedPartSizes: number[] =
        inputs.parts?.map((part: { size: number }) => part.size) ?? inputs.encrypted_part_sizes;
      const decrypted: number[] =
        inputs.parts?.map((part: { actual_size: number }) => part.actual_size) ??
        inputs.decrypted_part_sizes;
      checkCase({
        name: vector.name,
        header: inputs.range_header,
        storedSize: inputs.stored_size,
        encryptedPartSizes,
        decryptedPartSizes: decrypted,
        expected: expectedOf(vector),
      });
      count += 1;
    }
    expect(count).toBe(10);
  });
});

describe('range-math-properties vectors', () => {
  it('match every property case', () => {
    const vectors = vectorsOf('range-math-properties');
    expect(vectors.length).toBe(1);
    let count = 0;
    for (const rangeCase of expectedOf(vectors[0]!).cases) {
      checkCase({
        name: `${rangeCase.object} ${rangeCase.range_header} ${JSON.stringify(rangeCase.decrypted_part_sizes).slice(0, 40)}`,
        header: rangeCase.range_header,
        storedSize: rangeCase.stored_size,
        encryptedPartSizes: expand(rangeCase.encrypted_part_sizes),
        decryptedPartSizes: expand(rangeCase.decrypted_part_sizes),
        expected: rangeCase,
      });
      count += 1;
    }
    expect(count).toBe(26);
  });
});

describe('part-key vectors', () => {
  it('derive HMAC part keys', () => {
    let count = 0;
    for (const vector of vectorsOf('part-key')) {
      const key = derivePartKey(fromHex(vector.inputs.object_key_hex), vector.inputs.part_id);
      expect(toHex(key), vector.name).toBe(expectedOf(vector).part_key_hex);
      count += 1;
    }
    expect(count).toBe(6);
  });
});

describe('part-nonce vectors', () => {
  it('derive upload-id nonces', () => {
    let count = 0;
    for (const vector of vectorsOf('part-nonce')) {
      const { upload_id, part_id } = vector.inputs;
      expect(`${upload_id}${part_id}`).toBe(expectedOf(vector).hashed_string);
      const nonce = derivePartNonce(upload_id, part_id);
      expect(toHex(nonce), vector.name).toBe(expectedOf(vector).nonce_hex);
      count += 1;
    }
    expect(count).toBe(2);
  });
});
