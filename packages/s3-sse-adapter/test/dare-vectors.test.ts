import { describe, expect, it } from 'vitest';
import {
  DareError,
  type DareErrorCode,
  decryptDare,
  decryptedSize,
  encryptDare,
  encryptedSize,
} from '../src/dare/index.js';
import {
  cipherOf,
  expectedOf,
  fromHex,
  patternBytes,
  sha256Hex,
  toHex,
  vectorsOf,
} from './dare-helpers.js';
import { sealV1Package, sealV1Stream } from './dare-v1-sealer.js';

function versionOptions(version: string): { minVersion: 1 | 2; maxVersion: 1 | 2 } {
  return version === '1.0' ? { minVersion: 1, maxVersion: 1 } : { minVersion: 2, maxVersion: 2 };
}

function codeOf(run: () => unknown): DareErrorCode | 'no error' | 'other error' {
  try {
    run();
    return 'no error';
  } catch (error) {
    return DareError.isInstance(error) ? error.code : 'other error';
  }
}

/** Our codes for each sio error text; where sio checks lengths earlier, ours may report EOF. */
const CODES_FOR_SIO_TEXT: Record<string, DareErrorCode[]> = {
  'sio: unsupported version': ['DARE_UNSUPPORTED_VERSION'],
  'sio: unsupported cipher suite': ['DARE_UNSUPPORTED_CIPHER'],
  'sio: invalid payload size': [
    'DARE_INVALID_PAYLOAD_SIZE',
    'DARE_UNEXPECTED_EOF',
    'DARE_AUTHENTICATION_FAILED',
  ],
  'sio: authentication failed': ['DARE_AUTHENTICATION_FAILED'],
  'sio: sequence number mismatch': ['DARE_SEQUENCE_NUMBER_MISMATCH'],
  'sio: unexpected EOF': ['DARE_UNEXPECTED_EOF'],
  'sio: size is too large for DARE': ['DARE_SIZE_TOO_LARGE'],
  'sio: size is not valid': ['DARE_INVALID_SIZE'],
};

describe('dare-package vectors', () => {
  it('seal and open golden packages', () => {
    let count = 0;
    for (const vector of vectorsOf('dare-package')) {
      const { inputs } = vector;
      const expected = expectedOf(vector);
      const key = fromHex(inputs.key_hex);
      const plaintext = fromHex(inputs.plaintext_hex);
      const cipher = cipherOf(inputs.cipher_suite);
      const random = fromHex(inputs.random_value_hex);
      const sealed =
        inputs.version === '2.0'
          ? encryptDare(key, plaintext, {
              nonce: random,
              cipher,
              sequenceNumber: inputs.sequence_number,
            })
          : sealV1Package(
              key,
              cipher === 'AES-256-GCM' ? 0 : 1,
              inputs.sequence_number,
              random,
              plaintext,
            );
      expect(toHex(sealed), vector.name).toBe(expected.package_hex);
      const opened = decryptDare(key, fromHex(expected.package_hex), {
        ...versionOptions(inputs.version),
        sequenceNumber: inputs.sequence_number,
      });
      expect(toHex(opened), vector.name).toBe(inputs.plaintext_hex);
      count += 1;
    }
    expect(count).toBe(256);
  });
});

describe('dare-package-invalid vectors', () => {
  it('reject every invalid package', () => {
    let count = 0;
    for (const vector of vectorsOf('dare-package-invalid')) {
      const { inputs } = vector;
      const expected = expectedOf(vector);
      const code = codeOf(() =>
        decryptDare(fromHex(inputs.key_hex), fromHex(inputs.package_hex), {
          ...versionOptions(inputs.version),
          sequenceNumber: inputs.expected_sequence_number,
          cipherSuites: inputs.accepted_cipher_suites.map(cipherOf),
        }),
      );
      expect(CODES_FOR_SIO_TEXT[expected.error], `${vector.name}: ${code}`).toContain(code);
      count += 1;
    }
    expect(count).toBe(36);
  });
});

describe('dare-stream vectors', () => {
  it('encrypt and decrypt whole streams', () => {
    let count = 0;
    for (const vector of vectorsOf('dare-stream')) {
      const { inputs } = vector;
      const expected = expectedOf(vector);
      const key = fromHex(inputs.key_hex);
      const nonce = fromHex(inputs.nonce_hex);
      const cipher = cipherOf(inputs.cipher_suite);
      const plaintext = patternBytes(inputs.plaintext.len);
      if (inputs.plaintext.sha256 !== undefined) {
        expect(sha256Hex(plaintext)).toBe(inputs.plaintext.sha256);
      }
      const sealed =
        inputs.version === '2.0'
          ? encryptDare(key, plaintext, { nonce, cipher })
          : sealV1Stream(key, cipher === 'AES-256-GCM' ? 0 : 1, nonce, plaintext);
      expect(sealed.length, vector.name).toBe(expected.ciphertext_len);
      expect(sha256Hex(sealed), vector.name).toBe(expected.ciphertext_sha256);
      if (expected.ciphertext_hex !== undefined) {
        expect(toHex(sealed), vector.name).toBe(expected.ciphertext_hex);
      }
      for (const pkg of expected.packages ?? []) {
        const header = sealed.subarray(pkg.offset, pkg.offset + 16);
        expect(toHex(header), vector.name).toBe(pkg.header_hex);
        const tagStart = pkg.offset + 16 + pkg.payload_len;
        expect(toHex(sealed.subarray(tagStart, tagStart + 16)), vector.name).toBe(pkg.tag_hex);
        if (pkg.final !== undefined) {
          expect((header[4]! & 0x80) !== 0, vector.name).toBe(pkg.final);
        }
      }
      const opened = decryptDare(key, sealed, versionOptions(inputs.version));
      expect(sha256Hex(opened), vector.name).toBe(sha256Hex(plaintext));
      count += 1;
    }
    expect(count).toBe(20);
  });

  it('empty stream decrypts empty', () => {
    const empties = vectorsOf('dare-stream').filter((vector) => vector.inputs.plaintext.len === 0);
    expect(empties.length).toBe(2);
    for (const vector of empties) {
      // sio's streaming Decrypt returns nothing for empty input; MinIO stores empty objects so.
      expect(expectedOf(vector).decrypt_empty_stream_with_sio_Decrypt).toBeNull();
      expect(decryptDare(fromHex(vector.inputs.key_hex), new Uint8Array(0)).length).toBe(0);
    }
  });
});

describe('dare-range vectors', () => {
  it('decrypt from a later package', () => {
    let count = 0;
    for (const vector of vectorsOf('dare-range')) {
      const { inputs } = vector;
      const expected = expectedOf(vector);
      const key = fromHex(inputs.key_hex);
      const plaintext = patternBytes(inputs.plaintext.len);
      expect(sha256Hex(plaintext)).toBe(inputs.plaintext.sha256);
      const sealed = encryptDare(key, plaintext, {
        nonce: fromHex(inputs.nonce_hex),
        cipher: cipherOf(inputs.cipher_suite),
      });
      expect(sealed.length).toBe(inputs.stream_ciphertext_len);
      expect(sha256Hex(sealed)).toBe(inputs.stream_ciphertext_sha256);
      const tail = sealed.subarray(inputs.start_encrypted_offset);
      const opened = decryptDare(key, tail, { sequenceNumber: inputs.sequence_number });
      expect(expected.error).toBeNull();
      const from = expected.plaintext_equals_plaintext_from_offset;
      expect(sha256Hex(opened)).toBe(sha256Hex(plaintext.subarray(from)));
      const code = codeOf(() => decryptDare(key, tail, { sequenceNumber: 0 }));
      expect(CODES_FOR_SIO_TEXT[expected.error_if_sequence_number_0]).toContain(code);
      count += 1;
    }
    expect(count).toBe(2);
  });
});

describe('dare-behaviour vectors', () => {
  it('detect tampered three-package stream', () => {
    const vectors = vectorsOf('dare-behaviour');
    expect(vectors.length).toBe(1);
    const { inputs } = vectors[0]!;
    const scenarios = expectedOf(vectors[0]!).scenarios;
    const key = fromHex(inputs.key_hex);
    const plaintext = patternBytes(inputs.plaintext_len);
    const sealed = encryptDare(key, plaintext, {
      nonce: fromHex(inputs.nonce_hex),
      cipher: cipherOf(inputs.cipher_suite),
    });
    const full = 65_568;
    const p0 = sealed.subarray(0, full);
    const p1 = sealed.subarray(full, 2 * full);
    const p2 = sealed.subarray(2 * full);
    const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
    const flipped = sealed.slice();
    flipped[100]! ^= 1;
    const finalCleared = sealed.slice();
    finalCleared[2 * full + 4]! &= 0x7f;
    const manipulated: Record<string, Uint8Array> = {
      unmodified: sealed,
      payload_bit_flip: flipped,
      packages_1_and_2_swapped: join(p1, p0, p2),
      truncated_after_package_1_of_3: join(p0),
      truncated_after_package_2_of_3: join(p0, p1),
      last_package_duplicated: join(p0, p1, p2, p2),
      final_flag_cleared_on_last: finalCleared,
    };
    const ours: Record<string, DareErrorCode | 'no error' | 'other error'> = {
      unmodified: 'no error',
      payload_bit_flip: 'DARE_AUTHENTICATION_FAILED',
      packages_1_and_2_swapped: 'DARE_AUTHENTICATION_FAILED',
      truncated_after_package_1_of_3: 'DARE_UNEXPECTED_EOF',
      truncated_after_package_2_of_3: 'DARE_UNEXPECTED_EOF',
      last_package_duplicated: 'DARE_DATA_AFTER_FINAL',
      final_flag_cleared_on_last: 'DARE_INVALID_PAYLOAD_SIZE',
    };
    expect(Object.keys(scenarios).sort()).toEqual(Object.keys(manipulated).sort());
    for (const [name, bytes] of Object.entries(manipulated)) {
      const code = codeOf(() => decryptDare(key, bytes));
      expect(code, name).toBe(ours[name]);
      expect(scenarios[name].error === null, name).toBe(code === 'no error');
    }
  });
});

describe('size vectors', () => {
  it('match sio size arithmetic', () => {
    let count = 0;
    for (const vector of vectorsOf('size')) {
      const { inputs } = vector;
      const expected = expectedOf(vector);
      const isEncrypt = inputs.plaintext_size !== undefined;
      const input: number = isEncrypt ? inputs.plaintext_size : inputs.encrypted_size;
      const fn = isEncrypt ? encryptedSize : decryptedSize;
      if (expected.error === null) {
        const output = fn(input);
        expect(output, vector.name).toBe(
          isEncrypt ? expected.encrypted_size : expected.decrypted_size,
        );
        expect(fn(BigInt(input)), vector.name).toBe(BigInt(output));
        if (expected.decrypted_size_of_that !== undefined) {
          expect(decryptedSize(output)).toBe(expected.decrypted_size_of_that);
        }
      } else {
        expect(CODES_FOR_SIO_TEXT[expected.error], vector.name).toContain(codeOf(() => fn(input)));
        expect(CODES_FOR_SIO_TEXT[expected.error], vector.name).toContain(
          codeOf(() => fn(BigInt(input))),
        );
      }
      count += 1;
    }
    expect(count).toBe(29);
  });
});
