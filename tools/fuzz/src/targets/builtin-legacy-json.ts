/**
 * Builtin connector, legacy JSON ciphertexts (`{"aead","iv","nonce","bytes"}`): valid documents
 * written with other field spellings, extra fields and whitespace must decrypt; documents with a
 * damaged field, another type, broken JSON or another context must fail with
 * `kms:InvalidCiphertextException`.
 */

import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS, encodeContext, KmsError } from '@kmskit/core';
import fc from 'fast-check';
import {
  BUILTIN_KEY,
  BUILTIN_KEY_NAME,
  mutate,
  mutationArbitrary,
  objectOf,
  sealLegacyAes,
} from '../fixtures.js';
import { ensure, sameBytes, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

const kms = createKMS({
  connector: createBuiltinConnector({ keyName: BUILTIN_KEY_NAME, key: BUILTIN_KEY }),
  timeoutMs: 0,
});

/** How one field is written: as sealed, replaced by another JSON value, or left out. */
const fieldValue = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'valid' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      json: fc.jsonValue({ maxDepth: 1 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      bytes: fc.uint8Array({ maxLength: 40 }),
      unpadded: fc.boolean(),
    }),
  },
);

/** Spellings of a field name that Go's case-insensitive match accepts. */
const spelling = fc.constantFrom('lower', 'upper', 'title', 'unicode');

export const builtinLegacyJson = defineTarget({
  name: 'builtin-legacy-json',
  seededRuns: 3000,
  arbitrary: fc.record({
    plaintext: fc.uint8Array({ maxLength: 48 }),
    context: fc
      .array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 12 })), { maxLength: 2 })
      .map(objectOf),
    otherContext: fc.boolean(),
    iv: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    aead: fc.oneof(
      { weight: 6, arbitrary: fc.constant('AES-256-GCM-HMAC-SHA-256') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'ChaCha20Poly1305',
          'aes-256-gcm-hmac-sha-256',
          '',
          'AES-256-GCM',
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    ),
    fields: fc.record({ aead: fieldValue, iv: fieldValue, nonce: fieldValue, bytes: fieldValue }),
    spellings: fc.record({ aead: spelling, iv: spelling, nonce: spelling, bytes: spelling }),
    extras: fc.array(
      fc.tuple(fc.constantFrom('id', 'x', 'version', 'key'), fc.jsonValue({ maxDepth: 1 })),
      { maxLength: 2 },
    ),
    spaced: fc.boolean(),
    mutation: fc.oneof(
      { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
      { weight: 1, arbitrary: mutationArbitrary },
    ),
  }),
  async check(input) {
    const associatedData = encodeContext(input.context);
    const sealed = sealLegacyAes(
      BUILTIN_KEY,
      input.plaintext,
      associatedData,
      input.iv,
      input.nonce,
    );
    const values: Record<string, string> = { aead: input.aead, ...sealed };
    const entries: string[] = [];
    let semanticallyValid = input.aead === 'AES-256-GCM-HMAC-SHA-256' && !input.otherContext;
    for (const name of ['aead', 'iv', 'nonce', 'bytes'] as const) {
      const field = input.fields[name];
      const key = JSON.stringify(spell(name, input.spellings[name]));
      if (field.kind === 'missing') {
        semanticallyValid = false;
        continue;
      }
      if (field.kind !== 'valid') semanticallyValid = false;
      const value =
        field.kind === 'valid'
          ? JSON.stringify(values[name])
          : field.kind === 'json'
            ? JSON.stringify(field.json)
            : JSON.stringify(base64(field.bytes, field.unpadded));
      entries.push(`${key}:${value}`);
    }
    for (const [key, value] of input.extras)
      entries.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
    const separator = input.spaced ? ' ,\n ' : ',';
    const text = input.spaced ? `{ ${entries.join(separator)} }` : `{${entries.join(separator)}}`;
    const document = new TextEncoder().encode(text);
    const ciphertext = mutate(document, input.mutation);
    if (!sameBytes(ciphertext, document)) semanticallyValid = false;
    const context = input.otherContext ? { ...input.context, other: 'context' } : input.context;

    let plaintext: Uint8Array;
    try {
      plaintext = await kms.decrypt({ name: BUILTIN_KEY_NAME, ciphertext, context });
    } catch (error) {
      if (!KmsError.isInstance(error))
        throw new UnexpectedOutcome('decrypt threw an untyped error', { cause: error });
      ensure(
        !semanticallyValid,
        `a valid legacy ciphertext failed: ${error.code}: ${error.message}`,
      );
      ensure(error.code === 'kms:InvalidCiphertextException', `unexpected code ${error.code}`);
      return;
    }
    ensure(sameBytes(plaintext, input.plaintext), 'decrypt returned other bytes than were sealed');
  },
});

function spell(name: string, how: string): string {
  if (how === 'upper') return name.toUpperCase();
  if (how === 'title') return name[0]!.toUpperCase() + name.slice(1);
  // Go folds U+017F (long s) to 's' and U+212A (Kelvin) to 'k' when matching field names.
  if (how === 'unicode') return name.replace('s', '\u017f').replace('k', '\u212a');
  return name;
}

function base64(bytes: Uint8Array, unpadded: boolean): string {
  const text = Buffer.from(bytes).toString('base64');
  return unpadded ? text.replace(/=+$/, '') : text;
}
