/**
 * Fixed keys and shared arbitraries of the fuzz targets. Keys are derived from labels, so a
 * failure file replays against the same keys in every run.
 */

import { createCipheriv, createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';

/** 32 bytes derived from a label. */
export function fixedKey(label: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`kmskit fuzz ${label}`).digest());
}

/** The builtin connector's master key name and key. */
export const BUILTIN_KEY_NAME = 'fuzz-key';
export const BUILTIN_KEY = fixedKey('builtin master key');

/** Strings with any code unit, lone surrogates included. */
export const anyString = (maxLength = 24): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      { weight: 8, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
      {
        weight: 1,
        arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '<',
          '>',
          '&',
          '"',
          '\\',
          '\u2028',
          '\u2029',
          '\u0000',
          '\b',
          '\f',
          '\u007f',
        ),
      },
    ),
    maxLength,
  });

/** Keys that plain objects treat specially. */
export const specialKeys = fc.constantFrom(
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '',
  ' ',
);

/** A context: a plain object (built with `defineProperty`, so `__proto__` stays a key) or a Map. */
export const contextArbitrary: fc.Arbitrary<Record<string, string> | Map<string, string>> = fc
  .tuple(
    fc.array(fc.tuple(fc.oneof(anyString(12), specialKeys), anyString(24)), { maxLength: 5 }),
    fc.boolean(),
  )
  .map(([entries, asMap]) => (asMap ? new Map(entries) : objectOf(entries)));

/** Builds an object from entries without the `__proto__` setter. */
export function objectOf(entries: Iterable<readonly [string, unknown]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Ways to damage a byte string. */
export type Mutation =
  | { kind: 'none' }
  | { kind: 'flip'; index: number; bit: number }
  | { kind: 'truncate'; length: number }
  | { kind: 'append'; bytes: Uint8Array }
  | { kind: 'replace'; index: number; bytes: Uint8Array }
  | { kind: 'random'; bytes: Uint8Array };

/** Generates a `Mutation`; `none` is one case in eight. */
export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' } as const) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('flip' as const),
      index: fc.nat(),
      bit: fc.integer({ min: 0, max: 7 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), length: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      index: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('random' as const),
      bytes: fc.uint8Array({ maxLength: 160 }),
    }),
  },
);

/** Applies a mutation; the result may equal the input (a flip never does). */
export function mutate(bytes: Uint8Array, mutation: Mutation): Uint8Array {
  switch (mutation.kind) {
    case 'none':
      return bytes.slice();
    case 'flip': {
      const out = bytes.slice();
      if (out.length === 0) return out;
      out[mutation.index % out.length]! ^= 1 << mutation.bit;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, bytes.length === 0 ? 0 : mutation.length % bytes.length);
    case 'append': {
      const out = new Uint8Array(bytes.length + mutation.bytes.length);
      out.set(bytes);
      out.set(mutation.bytes, bytes.length);
      return out;
    }
    case 'replace': {
      const out = bytes.slice();
      const start = out.length === 0 ? 0 : mutation.index % out.length;
      for (let i = 0; i < mutation.bytes.length && start + i < out.length; i++) {
        out[start + i] = mutation.bytes[i]!;
      }
      return out;
    }
    case 'random':
      return mutation.bytes.slice();
  }
}

/** Seals `plaintext` in MinIO's current builtin format, written here independently of conn-builtin. */
export function sealBuiltin(
  masterKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
  iv: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  const key = createHmac('sha256', masterKey).update(iv).digest();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([body, cipher.getAuthTag(), iv, nonce]));
}

/** Seals `plaintext` in MinIO's legacy `AES-256-GCM-HMAC-SHA-256` JSON form, returning its fields. */
export function sealLegacyAes(
  masterKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
  iv: Uint8Array,
  nonce: Uint8Array,
): { iv: string; nonce: string; bytes: string } {
  const key = createHmac('sha256', masterKey).update(iv).digest();
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(associatedData);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return {
    iv: Buffer.from(iv).toString('base64'),
    nonce: Buffer.from(nonce).toString('base64'),
    bytes: body.toString('base64'),
  };
}

/** One raw protobuf field: a field number and a value of one wire type, or raw bytes. */
export type ProtoField =
  | { no: number; kind: 'varint'; value: number }
  | { no: number; kind: 'bytes'; value: Uint8Array }
  | { no: number; kind: 'fixed32'; value: number }
  | { no: number; kind: 'raw'; value: Uint8Array };

/** Protobuf messages whose fields may or may not match the schema the reader expects. */
export const protoMessage: fc.Arbitrary<ProtoField[]> = fc.array(
  fc.oneof(
    fc.record({
      no: fc.integer({ min: 1, max: 6 }),
      kind: fc.constant('varint' as const),
      value: fc.oneof(fc.nat(4), fc.nat(), fc.constant(2 ** 32 - 1)),
    }),
    fc.record({
      no: fc.integer({ min: 1, max: 6 }),
      kind: fc.constant('bytes' as const),
      value: fc.oneof(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 80 }),
        fc.stringMatching(/^[a-z-]{0,12}$/).map((s) => new TextEncoder().encode(s)),
      ),
    }),
    fc.record({
      no: fc.integer({ min: 1, max: 6 }),
      kind: fc.constant('fixed32' as const),
      value: fc.nat(),
    }),
    fc.record({
      no: fc.constant(0),
      kind: fc.constant('raw' as const),
      value: fc.uint8Array({ maxLength: 12 }),
    }),
  ),
  { maxLength: 5 },
);

/** Encodes raw protobuf fields. */
export function encodeProto(fields: readonly ProtoField[]): Uint8Array {
  const out: number[] = [];
  const varint = (value: number) => {
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  };
  for (const field of fields) {
    if (field.kind === 'raw') {
      out.push(...field.value);
    } else if (field.kind === 'varint') {
      varint(field.no * 8);
      varint(field.value);
    } else if (field.kind === 'fixed32') {
      varint(field.no * 8 + 5);
      const b = Buffer.alloc(4);
      b.writeUInt32LE(field.value % 2 ** 32);
      out.push(...b);
    } else {
      varint(field.no * 8 + 2);
      varint(field.value.length);
      out.push(...field.value);
    }
  }
  return Uint8Array.from(out);
}
