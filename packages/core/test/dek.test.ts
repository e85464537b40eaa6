import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DataKey, decodeDataKeyText, encodeDataKeyText } from '../src/dek.js';
import { InvalidResponseError } from '../src/errors.js';

interface DekVector {
  name: string;
  kind: string;
  inputs: {
    key_id: string;
    version: number;
    plaintext_b64: string | null;
    ciphertext_b64: string | null;
  };
  expected: { marshal_text: string; unmarshal_plaintext_is_null: boolean };
}

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/core-vectors.json', import.meta.url), 'utf8'),
);
const vectors: DekVector[] = fixtures.vectors.filter(
  (v: DekVector) => v.kind === 'dek_marshal_text',
);
const bytes = (b64: string | null) =>
  b64 === null ? null : new Uint8Array(Buffer.from(b64, 'base64'));

describe('dek_marshal_text vectors', () => {
  it('runs every vector', () => {
    expect(vectors.length).toBe(5);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s', (_, vector) => {
    const { key_id, version, plaintext_b64, ciphertext_b64 } = vector.inputs;
    const text = encodeDataKeyText({ keyId: key_id, version, ciphertext: bytes(ciphertext_b64) });
    expect(text).toBe(vector.expected.marshal_text);

    const decoded = decodeDataKeyText(text);
    expect(decoded.keyId).toBe(key_id);
    expect(decoded.version).toBe(version);
    expect(decoded.plaintext).toBeUndefined();
    expect(Buffer.from(decoded.ciphertext).toString('base64')).toBe(ciphertext_b64 ?? '');

    if (ciphertext_b64 !== null) {
      const key = new DataKey({
        keyId: key_id,
        version,
        ciphertext: bytes(ciphertext_b64)!,
        plaintext: bytes(plaintext_b64) ?? undefined,
      });
      expect(JSON.stringify(key)).toBe(vector.expected.marshal_text);
    }
  });
});

describe('DataKey', () => {
  const plaintext = new Uint8Array(32).fill(0xab);
  const key = () =>
    new DataKey({
      keyId: 'my-key',
      version: 2,
      plaintext: plaintext.slice(),
      ciphertext: Uint8Array.of(1, 2, 3),
    });
  const secretForms = [
    Buffer.from(plaintext).toString('hex'),
    Buffer.from(plaintext).toString('base64'),
    '171, 171',
  ];

  it('hides the plaintext from inspect and JSON', () => {
    const dataKey = key();
    for (const text of [
      inspect(dataKey),
      inspect({ nested: dataKey }),
      JSON.stringify(dataKey),
      String(dataKey),
    ]) {
      for (const secret of secretForms) expect(text).not.toContain(secret);
    }
    expect(inspect(dataKey)).toBe('DataKey(keyId="my-key", version=2)');
  });

  it('zeroes the plaintext', () => {
    const dataKey = key();
    const view = dataKey.plaintext!;
    dataKey.zero();
    expect(dataKey.plaintext).toBeUndefined();
    expect(view.every((byte) => byte === 0)).toBe(true);
  });

  it('copies a Buffer plaintext', () => {
    const original = Buffer.alloc(32, 5);
    const dataKey = new DataKey({
      keyId: 'k',
      version: 0,
      plaintext: original,
      ciphertext: Uint8Array.of(1),
    });
    expect(Object.getPrototypeOf(dataKey.plaintext)).toBe(Uint8Array.prototype);
    expect(dataKey.plaintext!.every((byte) => byte === 5)).toBe(true);
    expect(original.every((byte) => byte === 0)).toBe(true);
    const copy = dataKey.plaintext!.slice();
    dataKey.zero();
    expect(copy.every((byte) => byte === 5)).toBe(true);
  });

  it('rejects malformed text', () => {
    expect(() => decodeDataKeyText('{')).toThrow(InvalidResponseError);
    expect(() => decodeDataKeyText('{"keyid":1}')).toThrow(/keyid/);
    expect(() => decodeDataKeyText('{"keyid":"k","version":-1}')).toThrow(/version/);
    expect(() => decodeDataKeyText('{"keyid":"k","ciphertext":"YWJ"}')).toThrow(/base64/);
  });
});
