import { describe, expect, it } from 'vitest';
import { DareError, type DareErrorCode, decryptDare, encryptDare } from '../src/dare/index.js';
import { concat, fromHex, patternBytes, sameBytes, TEST_KEY } from './dare-helpers.js';
import { sealV1Stream } from './dare-v1-sealer.js';

const FULL = 65_568;

function codeOf(run: () => unknown): DareErrorCode | 'no error' | string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return DareError.isInstance(error) ? error.code : `${(error as Error).name}`;
  }
}

describe('decryptDare tampering', () => {
  const plaintext = patternBytes(3 * 65_536 + 10);
  const sealed = encryptDare(TEST_KEY, plaintext);
  const packages = [0, 1, 2, 3].map((i) => sealed.subarray(i * FULL, (i + 1) * FULL));

  it('truncation at each boundary', () => {
    for (const count of [1, 2, 3]) {
      expect(codeOf(() => decryptDare(TEST_KEY, sealed.subarray(0, count * FULL)))).toBe(
        'DARE_UNEXPECTED_EOF',
      );
    }
  });

  it('every prefix length typed', () => {
    const small = encryptDare(TEST_KEY, patternBytes(40));
    for (let length = 1; length < small.length; length++) {
      expect(
        codeOf(() => decryptDare(TEST_KEY, small.subarray(0, length))),
        `length ${length}`,
      ).toBe('DARE_UNEXPECTED_EOF');
    }
  });

  it('reordered packages fail', () => {
    const swapped = concat([packages[1]!, packages[0]!, packages[2]!, packages[3]!]);
    expect(codeOf(() => decryptDare(TEST_KEY, swapped))).toBe('DARE_AUTHENTICATION_FAILED');
    const dropped = concat([packages[0]!, packages[2]!, packages[3]!]);
    expect(codeOf(() => decryptDare(TEST_KEY, dropped))).toBe('DARE_AUTHENTICATION_FAILED');
    const duplicated = concat([
      packages[0]!,
      packages[0]!,
      packages[1]!,
      packages[2]!,
      packages[3]!,
    ]);
    expect(codeOf(() => decryptDare(TEST_KEY, duplicated))).toBe('DARE_AUTHENTICATION_FAILED');
  });

  it('every header byte checked', () => {
    for (let position = 0; position < 16; position++) {
      const tampered = sealed.slice();
      tampered[FULL + position]! ^= 0x01;
      const code = codeOf(() => decryptDare(TEST_KEY, tampered));
      expect(code, `header byte ${position}`).toMatch(/^DARE_/);
      expect(code, `header byte ${position}`).not.toBe('no error');
    }
  });

  it('header nonce mismatch', () => {
    const other = encryptDare(TEST_KEY, plaintext);
    const spliced = concat([
      packages[0]!,
      other.subarray(FULL, 2 * FULL),
      packages[2]!,
      packages[3]!,
    ]);
    expect(codeOf(() => decryptDare(TEST_KEY, spliced))).toBe('DARE_HEADER_NONCE_MISMATCH');
  });

  it('data after final package', () => {
    expect(codeOf(() => decryptDare(TEST_KEY, concat([sealed, new Uint8Array(1)])))).toBe(
      'DARE_DATA_AFTER_FINAL',
    );
    const two = concat([sealed, encryptDare(TEST_KEY, patternBytes(5))]);
    expect(codeOf(() => decryptDare(TEST_KEY, two))).toBe('DARE_DATA_AFTER_FINAL');
  });

  it('cleared final flag fails', () => {
    const one = encryptDare(TEST_KEY, patternBytes(65_536));
    one[4]! &= 0x7f;
    expect(codeOf(() => decryptDare(TEST_KEY, one))).toBe('DARE_AUTHENTICATION_FAILED');
    const short = encryptDare(TEST_KEY, patternBytes(10));
    short[4]! &= 0x7f;
    expect(codeOf(() => decryptDare(TEST_KEY, short))).toBe('DARE_INVALID_PAYLOAD_SIZE');
  });

  it('wrong cipher suite rejected', () => {
    const chacha = encryptDare(TEST_KEY, plaintext, { cipher: 'ChaCha20-Poly1305' });
    expect(sameBytes(decryptDare(TEST_KEY, chacha), plaintext)).toBe(true);
    expect(codeOf(() => decryptDare(TEST_KEY, chacha, { cipherSuites: ['AES-256-GCM'] }))).toBe(
      'DARE_UNSUPPORTED_CIPHER',
    );
    const mixed = concat([packages[0]!, chacha.subarray(FULL)]);
    expect(codeOf(() => decryptDare(TEST_KEY, mixed))).toBe('DARE_UNSUPPORTED_CIPHER');
    const unknown = sealed.slice();
    unknown[1] = 7;
    expect(codeOf(() => decryptDare(TEST_KEY, unknown))).toBe('DARE_UNSUPPORTED_CIPHER');
  });

  it('wrong start sequence fails', () => {
    expect(codeOf(() => decryptDare(TEST_KEY, sealed, { sequenceNumber: 1 }))).toBe(
      'DARE_AUTHENTICATION_FAILED',
    );
  });

  it('version 1.0 needs opt-in', () => {
    const legacy = sealV1Stream(TEST_KEY, 0, fromHex('0102030405060708'), plaintext);
    expect(codeOf(() => decryptDare(TEST_KEY, legacy))).toBe('DARE_UNSUPPORTED_VERSION');
    expect(sameBytes(decryptDare(TEST_KEY, legacy, { minVersion: 1 }), plaintext)).toBe(true);
    expect(codeOf(() => decryptDare(TEST_KEY, sealed, { minVersion: 1, maxVersion: 1 }))).toBe(
      'DARE_UNSUPPORTED_VERSION',
    );
    // 1.0 has no end marker: dropping whole trailing packages goes unnoticed, as in sio.
    const cut = legacy.subarray(0, 2 * FULL);
    expect(
      sameBytes(decryptDare(TEST_KEY, cut, { minVersion: 1 }), plaintext.subarray(0, 131_072)),
    ).toBe(true);
    const mixed = concat([legacy.subarray(0, FULL), sealed.subarray(FULL)]);
    expect(codeOf(() => decryptDare(TEST_KEY, mixed, { minVersion: 1 }))).toBe(
      'DARE_UNSUPPORTED_VERSION',
    );
  });

  it('version 1.0 reorder detected', () => {
    const legacy = sealV1Stream(TEST_KEY, 1, fromHex('0102030405060708'), plaintext);
    const swapped = concat([legacy.subarray(FULL, 2 * FULL), legacy.subarray(0, FULL)]);
    expect(codeOf(() => decryptDare(TEST_KEY, swapped, { minVersion: 1 }))).toBe(
      'DARE_SEQUENCE_NUMBER_MISMATCH',
    );
  });
});

describe('decryptDare malformed input', () => {
  it('empty input empty output', () => {
    expect(decryptDare(TEST_KEY, new Uint8Array(0)).length).toBe(0);
  });

  it('random bytes typed error', () => {
    const random = globalThis.crypto.getRandomValues(new Uint8Array(10));
    random[0] = 0x20;
    expect(codeOf(() => decryptDare(TEST_KEY, random))).toMatch(/^DARE_/);
    for (let trial = 0; trial < 200; trial++) {
      const bytes = globalThis.crypto.getRandomValues(new Uint8Array(1 + (trial % 80)));
      expect(codeOf(() => decryptDare(TEST_KEY, bytes, { minVersion: 1 }))).toMatch(/^DARE_/);
    }
  });

  it('unknown version byte typed', () => {
    const sealed = encryptDare(TEST_KEY, patternBytes(50));
    sealed[0] = 0x30;
    expect(codeOf(() => decryptDare(TEST_KEY, sealed))).toBe('DARE_UNSUPPORTED_VERSION');
  });

  it('last byte flipped typed', () => {
    const sealed = encryptDare(TEST_KEY, patternBytes(50));
    sealed[sealed.length - 1]! ^= 1;
    expect(codeOf(() => decryptDare(TEST_KEY, sealed))).toBe('DARE_AUTHENTICATION_FAILED');
  });

  it('unaligned buffer views work', () => {
    const plaintext = patternBytes(70_000);
    const sealed = encryptDare(TEST_KEY, plaintext);
    const wire = Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(sealed)]);
    expect(sameBytes(decryptDare(TEST_KEY, wire.subarray(3)), plaintext)).toBe(true);
    const big = new Uint8Array(sealed.length + 10);
    big.set(sealed, 5);
    expect(
      sameBytes(decryptDare(TEST_KEY, new Uint8Array(big.buffer, 5, sealed.length)), plaintext),
    ).toBe(true);
    const keyHolder = new Uint8Array(40);
    keyHolder.set(TEST_KEY, 3);
    expect(sameBytes(decryptDare(keyHolder.subarray(3, 35), sealed), plaintext)).toBe(true);
  });

  it('bad arguments stay TypeError', () => {
    expect(() => decryptDare(TEST_KEY, 'abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => encryptDare(TEST_KEY, null as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => encryptDare(new Uint8Array(31), new Uint8Array(1))).toThrow(RangeError);
    expect(() => encryptDare(TEST_KEY, new Uint8Array(1), { nonce: new Uint8Array(8) })).toThrow(
      RangeError,
    );
    expect(() => encryptDare(TEST_KEY, new Uint8Array(1), { sequenceNumber: -1 })).toThrow(
      RangeError,
    );
    expect(() =>
      encryptDare(TEST_KEY, new Uint8Array(1), { cipher: 'AES-128-GCM' as 'AES-256-GCM' }),
    ).toThrow(RangeError);
    expect(() => decryptDare(TEST_KEY, new Uint8Array(1), { minVersion: 3 as 2 })).toThrow(
      RangeError,
    );
  });

  it('error is not a KMS error', () => {
    let caught: unknown;
    try {
      decryptDare(TEST_KEY, new Uint8Array([0x20, 0, 0]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DareError);
    expect(caught).toBeInstanceOf(Error);
    expect((caught as DareError).name).toBe('DareError');
    expect(DareError.isInstance(new Error('x'))).toBe(false);
    expect(JSON.stringify(caught)).not.toContain(Buffer.from(TEST_KEY).toString('hex'));
  });
});

describe('sequence number limits', () => {
  it('encrypts near uint32 maximum', () => {
    const plaintext = patternBytes(65_537);
    const start = 0xffff_fffe;
    const sealed = encryptDare(TEST_KEY, plaintext, { sequenceNumber: start });
    expect(sameBytes(decryptDare(TEST_KEY, sealed, { sequenceNumber: start }), plaintext)).toBe(
      true,
    );
  });

  it('overflow is typed error', () => {
    expect(
      codeOf(() => encryptDare(TEST_KEY, patternBytes(65_537), { sequenceNumber: 0xffff_ffff })),
    ).toBe('DARE_SEQUENCE_OVERFLOW');
  });
});
