/**
 * Builtin connector, current binary ciphertexts: sealed here with fixed IVs and nonces, then
 * damaged. An intact ciphertext under its own context must decrypt to its plaintext; anything else
 * must fail with `kms:InvalidCiphertextException` and never return bytes.
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
  sealBuiltin,
} from '../fixtures.js';
import { ensure, sameBytes, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

const kms = createKMS({
  connector: createBuiltinConnector({ keyName: BUILTIN_KEY_NAME, key: BUILTIN_KEY }),
  timeoutMs: 0,
});

const plainContext = fc
  .array(
    fc.tuple(
      fc.string({ unit: 'binary', maxLength: 10 }),
      fc.string({ unit: 'binary', maxLength: 20 }),
    ),
    { maxLength: 3 },
  )
  .map(objectOf);

export const builtinCiphertext = defineTarget({
  name: 'builtin-ciphertext',
  seededRuns: 3000,
  arbitrary: fc.record({
    plaintext: fc.uint8Array({ maxLength: 64 }),
    context: plainContext,
    decryptContext: fc.option(plainContext, { freq: 6 }),
    iv: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    mutation: mutationArbitrary,
  }),
  async check(input) {
    const associatedData = encodeContext(input.context);
    const sealed = sealBuiltin(BUILTIN_KEY, input.plaintext, associatedData, input.iv, input.nonce);
    const ciphertext = mutate(sealed, input.mutation);
    const copy = ciphertext.slice();
    const context = input.decryptContext ?? input.context;
    const intact =
      sameBytes(ciphertext, sealed) && sameBytes(encodeContext(context), associatedData);
    let plaintext: Uint8Array;
    try {
      plaintext = await kms.decrypt({ name: BUILTIN_KEY_NAME, ciphertext, context });
    } catch (error) {
      if (!KmsError.isInstance(error))
        throw new UnexpectedOutcome('decrypt threw an untyped error', { cause: error });
      ensure(!intact, `an intact ciphertext failed: ${error.code}`);
      ensure(error.code === 'kms:InvalidCiphertextException', `unexpected code ${error.code}`);
      ensure(sameBytes(ciphertext, copy), 'decrypt modified the caller’s ciphertext');
      return;
    }
    ensure(intact, 'a damaged ciphertext or another context decrypted');
    ensure(sameBytes(plaintext, input.plaintext), 'decrypt returned other bytes than were sealed');
  },
});
