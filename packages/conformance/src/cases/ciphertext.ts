/** Bad ciphertexts: each is a typed `InvalidCiphertextError`, sent to one endpoint only. */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { InvalidCiphertextError, type KMS } from '@kmskit/core';
import { rejectsWith } from '../assertions.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';
import { recordCalls } from './call-events.js';

const CONTEXT = { bucket: 'bucket/object' };

/** Cases of the `kms.ciphertext` area. */
export const ciphertextCases: readonly ConformanceCase[] = [
  {
    id: 'kms.ciphertext.tampered',
    title: 'rejects tampered ciphertexts',
    async run(context) {
      const { kms, name, dataKey } = await generate(context);
      const length = dataKey.ciphertext.length;
      const positions = new Set([0, Math.floor(length / 2), length - 1]);
      for (const position of positions) {
        for (const mask of [0x01, 0x80]) {
          const tampered = dataKey.ciphertext.slice();
          tampered[position] = tampered[position]! ^ mask;
          await expectInvalid(kms, name, tampered, `bit ${mask} flipped at ${position}`);
        }
      }
    },
  },
  {
    id: 'kms.ciphertext.truncated',
    title: 'rejects truncated ciphertexts',
    async run(context) {
      const { kms, name, dataKey } = await generate(context);
      const { ciphertext } = dataKey;
      const cuts = new Set([ciphertext.length - 1, Math.floor(ciphertext.length / 2), 1]);
      for (const length of cuts) {
        await expectInvalid(kms, name, ciphertext.slice(0, length), `first ${length} bytes`);
      }
      await expectInvalid(kms, name, ciphertext.slice(1), 'first byte removed');
    },
  },
  {
    id: 'kms.ciphertext.empty',
    title: 'rejects an empty ciphertext',
    async run(context) {
      const name = await context.key();
      await expectInvalid(context.kms, name, new Uint8Array(0), 'empty ciphertext');
    },
  },
  {
    id: 'kms.ciphertext.garbage',
    title: 'rejects garbage ciphertexts',
    async run(context) {
      const { kms, name, dataKey } = await generate(context);
      const samples: Array<[string, Uint8Array]> = [
        ['10 random bytes', randomBytes(10)],
        ['random bytes of the right length', randomBytes(dataKey.ciphertext.length)],
        ['1000 random bytes', randomBytes(1000)],
        ['a JSON object', new TextEncoder().encode('{"aead":"x","iv":"","nonce":"","bytes":""}')],
        ['zero bytes', new Uint8Array(dataKey.ciphertext.length)],
        ['the ciphertext twice', concat(dataKey.ciphertext, dataKey.ciphertext)],
      ];
      for (const [what, ciphertext] of samples) {
        await expectInvalid(kms, name, ciphertext, what);
      }
    },
  },
];

async function generate(context: ConformanceContext) {
  const name = await context.key();
  const dataKey = await context.kms.generateKey({ name, context: CONTEXT });
  return { kms: context.kms, name, dataKey };
}

/**
 * Asserts that decrypting fails with a non-retryable `InvalidCiphertextError`, and that the
 * connector tried at most one endpoint: a bad ciphertext fails the same way everywhere.
 */
async function expectInvalid(
  kms: KMS,
  name: string,
  ciphertext: Uint8Array,
  what: string,
): Promise<void> {
  const calls = recordCalls(kms);
  let error: InvalidCiphertextError;
  try {
    error = await rejectsWith(
      kms.decrypt({ name, ciphertext, context: CONTEXT }),
      InvalidCiphertextError,
      `decrypt ${what}`,
    );
  } finally {
    calls.stop();
  }
  assert.equal(error.retryable, false, `decrypt ${what}: the error is not retryable`);
  assert.equal(error.status, 400, `decrypt ${what}: the status is 400`);
  const attempts = calls.events.at(-1)?.attempts.length ?? 0;
  assert.ok(attempts <= 1, `decrypt ${what}: ${attempts} endpoint attempts, expected at most 1`);
}

function concat(first: Uint8Array, second: Uint8Array): Uint8Array {
  const out = new Uint8Array(first.length + second.length);
  out.set(first);
  out.set(second, first.length);
  return out;
}
