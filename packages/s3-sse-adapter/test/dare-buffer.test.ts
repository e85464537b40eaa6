import { describe, expect, it } from 'vitest';
import { DareError, decryptDare, encryptDare } from '../src/dare/index.js';
import { fromHex, TEST_KEY, toHex } from './dare-helpers.js';

describe('encryptDare', () => {
  it('matches sio golden package', () => {
    const sealed = encryptDare(TEST_KEY, new Uint8Array(1), {
      nonce: fromHex('000102030405060708090a0b'),
    });
    expect(toHex(sealed)).toBe(
      '20000000800102030405060708090a0b29c5f2b6d44cf237128fb2917fd04d2d1f',
    );
  });

  it('round-trips random nonce', () => {
    const plaintext = new TextEncoder().encode('hello DARE');
    const sealed = encryptDare(TEST_KEY, plaintext);
    expect(sealed.length).toBe(plaintext.length + 32);
    expect(decryptDare(TEST_KEY, sealed)).toEqual(plaintext);
  });

  it('rejects wrong key typed', () => {
    const sealed = encryptDare(TEST_KEY, new Uint8Array(10));
    const other = new Uint8Array(32);
    expect(() => decryptDare(other, sealed)).toThrow(DareError);
  });
});
