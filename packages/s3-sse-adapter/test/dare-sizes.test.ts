import { describe, expect, it } from 'vitest';
import {
  DareError,
  decryptDare,
  decryptedSize,
  encryptDare,
  encryptedSize,
  MAX_PAYLOAD_SIZE,
} from '../src/dare/index.js';
import { patternBytes, TEST_KEY } from './dare-helpers.js';

/** Parses the package headers of a DARE 2.0 stream into (payload length, final flag) pairs. */
function packagesOf(sealed: Uint8Array): Array<{ length: number; final: boolean }> {
  const packages: Array<{ length: number; final: boolean }> = [];
  let offset = 0;
  while (offset < sealed.length) {
    const length = (sealed[offset + 2]! | (sealed[offset + 3]! << 8)) + 1;
    packages.push({ length, final: (sealed[offset + 4]! & 0x80) !== 0 });
    offset += 16 + length + 16;
  }
  return packages;
}

describe('size helpers', () => {
  it('agree with buffer output', () => {
    for (const n of [0, 1, 65_535, 65_536, 65_537, 131_072, 200_000]) {
      const sealed = encryptDare(TEST_KEY, patternBytes(n));
      expect(sealed.length, `n=${n}`).toBe(encryptedSize(n));
      expect(decryptedSize(sealed.length), `n=${n}`).toBe(n);
      expect(decryptDare(TEST_KEY, sealed).length, `n=${n}`).toBe(n);
    }
  });

  it('65536 bytes one final package', () => {
    const sealed = encryptDare(TEST_KEY, patternBytes(MAX_PAYLOAD_SIZE));
    expect(packagesOf(sealed)).toEqual([{ length: 65_536, final: true }]);
  });

  it('65537 bytes two packages', () => {
    const sealed = encryptDare(TEST_KEY, patternBytes(65_537));
    expect(packagesOf(sealed)).toEqual([
      { length: 65_536, final: false },
      { length: 1, final: true },
    ]);
  });

  it('empty plaintext no package', () => {
    expect(encryptDare(TEST_KEY, new Uint8Array(0)).length).toBe(0);
    expect(encryptedSize(0)).toBe(0);
    expect(decryptedSize(0)).toBe(0);
  });

  it('bigint in bigint out', () => {
    expect(encryptedSize(2n ** 48n)).toBe(2n ** 48n + 2n ** 37n);
    expect(decryptedSize(2n ** 48n + 2n ** 37n)).toBe(2n ** 48n);
    expect(encryptedSize(2 ** 48)).toBe(2 ** 48 + 2 ** 37);
  });

  it('too large typed error', () => {
    for (const run of [
      () => encryptedSize(2 ** 48 + 1),
      () => encryptedSize(2n ** 64n),
      () => encryptedSize(Number.MAX_SAFE_INTEGER + 2),
      () => decryptedSize(2 ** 48 + 2 ** 37 + 1),
    ]) {
      expect(run).toThrow(DareError);
      try {
        run();
      } catch (error) {
        expect((error as DareError).code).toBe('DARE_SIZE_TOO_LARGE');
      }
    }
  });

  it('header-only remainder invalid size', () => {
    for (const size of [1, 32, 65_569, 65_600]) {
      try {
        decryptedSize(size);
        expect.unreachable(`size ${size} must be rejected`);
      } catch (error) {
        expect(DareError.isInstance(error)).toBe(true);
        expect((error as DareError).code).toBe('DARE_INVALID_SIZE');
      }
    }
    expect(decryptedSize(33)).toBe(1);
  });

  it('bad arguments RangeError', () => {
    expect(() => encryptedSize(-1)).toThrow(RangeError);
    expect(() => encryptedSize(1.5)).toThrow(RangeError);
    expect(() => encryptedSize(Number.NaN)).toThrow(RangeError);
    expect(() => decryptedSize(-1n)).toThrow(RangeError);
    expect(() => decryptedSize('5' as unknown as number)).toThrow(RangeError);
  });
});
