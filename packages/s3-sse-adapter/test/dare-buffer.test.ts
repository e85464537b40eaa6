import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createDareDecryptTransform,
  createDareEncryptStream,
  createDareEncryptTransform,
  DareDecryptor,
  DareEncryptor,
  DareError,
  decryptDare,
  encryptDare,
} from '../src/dare/index.js';
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

  it('random nonces differ', () => {
    const first = encryptDare(TEST_KEY, new Uint8Array(10));
    const second = encryptDare(TEST_KEY, new Uint8Array(10));
    expect(toHex(first.subarray(4, 16))).not.toBe(toHex(second.subarray(4, 16)));
  });

  it('rejects wrong key typed', () => {
    const sealed = encryptDare(TEST_KEY, new Uint8Array(10));
    const other = new Uint8Array(32);
    expect(() => decryptDare(other, sealed)).toThrow(DareError);
  });

  it('key copied not referenced', () => {
    const key = TEST_KEY.slice();
    const encryptor = new DareEncryptor(key, { nonce: new Uint8Array(12) });
    key.fill(0);
    const out: Uint8Array[] = [];
    encryptor.write(new Uint8Array(5), (bytes) => out.push(bytes));
    encryptor.end((bytes) => out.push(bytes));
    const expected = encryptDare(TEST_KEY, new Uint8Array(5), { nonce: new Uint8Array(12) });
    expect(toHex(Buffer.concat(out))).toBe(toHex(expected));
  });

  it('inspect shows no key', () => {
    const key = new Uint8Array(32).fill(0xab);
    const objects = [
      new DareEncryptor(key),
      new DareDecryptor(key),
      createDareEncryptTransform(key),
      createDareDecryptTransform(key),
      createDareEncryptStream(key),
    ];
    for (const object of objects) {
      const text = inspect(object, { depth: 8, showHidden: true });
      expect(text).not.toContain('171, 171');
      expect(text.toLowerCase()).not.toContain('abab');
    }
  });
});
