/** Context binding: a data key decrypts only with the context it was generated with. */

import assert from 'node:assert/strict';
import { type Context, InvalidCiphertextError, type KMS } from '@kmskit/core';
import { assertSameBytes, rejectsWith } from '../assertions.js';
import type { ConformanceCase } from '../types.js';

const ORIGINAL = { bucket: 'b', object: 'o' };

/** Cases of the `kms.context` area. */
export const contextCases: readonly ConformanceCase[] = [
  {
    id: 'kms.context.wrong-value',
    title: 'rejects a context with another value',
    async run({ kms, key }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name, context: ORIGINAL });
      await expectNotAuthentic(kms, name, dataKey, { bucket: 'b', object: 'o2' });
      await expectNotAuthentic(kms, name, dataKey, { bucket: 'o', object: 'b' });
      await expectNotAuthentic(kms, name, dataKey, { bucket: 'b', objecT: 'o' });
    },
  },
  {
    id: 'kms.context.extra-entry',
    title: 'rejects a context with an extra entry',
    async run({ kms, key }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name, context: ORIGINAL });
      await expectNotAuthentic(kms, name, dataKey, { ...ORIGINAL, extra: 'x' });
      await expectNotAuthentic(kms, name, dataKey, { bucket: 'b' });
    },
  },
  {
    id: 'kms.context.reordered',
    title: 'accepts reordered context entries',
    async run({ kms, key }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name, context: { z: '1', a: '2', m: '3' } });
      for (const context of [
        { a: '2', m: '3', z: '1' },
        { m: '3', z: '1', a: '2' },
        new Map([
          ['m', '3'],
          ['a', '2'],
          ['z', '1'],
        ]),
      ]) {
        const plaintext = await kms.decrypt({
          name,
          ciphertext: dataKey.ciphertext,
          context,
          version: dataKey.version,
        });
        assertSameBytes(plaintext, dataKey.plaintext!, 'decrypt with reordered entries');
      }
    },
  },
  {
    id: 'kms.context.empty',
    title: 'binds the empty context',
    async run({ kms, key }) {
      const name = await key();
      const empty = await kms.generateKey({ name, context: {} });
      for (const context of [{}, undefined, new Map<string, string>()]) {
        const plaintext = await kms.decrypt({
          name,
          ciphertext: empty.ciphertext,
          context,
          version: empty.version,
        });
        assertSameBytes(plaintext, empty.plaintext!, 'an empty context equals no context');
      }
      await expectNotAuthentic(kms, name, empty, { '': '' });
      const bound = await kms.generateKey({ name, context: ORIGINAL });
      await expectNotAuthentic(kms, name, bound, {});
    },
  },
  {
    id: 'kms.context.missing',
    title: 'rejects a missing context',
    async run({ kms, key }) {
      const name = await key();
      const bound = await kms.generateKey({ name, context: ORIGINAL });
      await expectNotAuthentic(kms, name, bound, undefined);
      const unbound = await kms.generateKey({ name });
      await expectNotAuthentic(kms, name, unbound, ORIGINAL);
    },
  },
];

async function expectNotAuthentic(
  kms: KMS,
  name: string,
  dataKey: { ciphertext: Uint8Array; version: number },
  context: Context | undefined,
): Promise<void> {
  const what = `decrypt with context ${context === undefined ? 'undefined' : JSON.stringify(context)}`;
  const error = await rejectsWith(
    kms.decrypt({ name, ciphertext: dataKey.ciphertext, context, version: dataKey.version }),
    InvalidCiphertextError,
    what,
  );
  assert.equal(error.retryable, false, `${what}: the error is not retryable`);
}
