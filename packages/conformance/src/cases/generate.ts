/** Data key generation: fresh 32-byte keys, round trips, the default key, key versions. */

import assert from 'node:assert/strict';
import type { Context } from '@kmskit/core';
import { assertSameBytes } from '../assertions.js';
import { needs } from '../requirements.js';
import type { ConformanceCase } from '../types.js';

const DATA_KEY_COUNT = 32;

/** Cases of the `kms.generate` area. */
export const generateCases: readonly ConformanceCase[] = [
  {
    id: 'kms.generate.unique-keys',
    title: 'generates unique 32-byte data keys',
    async run({ kms, key }) {
      const name = await key();
      const plaintexts = new Set<string>();
      const ciphertexts = new Set<string>();
      for (let i = 0; i < DATA_KEY_COUNT; i++) {
        const dataKey = await kms.generateKey({ name, context: { index: String(i) } });
        assert.equal(dataKey.keyId, name, 'the data key names its master key');
        assert.ok(dataKey.plaintext instanceof Uint8Array, 'the data key has a plaintext');
        assert.equal(dataKey.plaintext.length, 32, 'the plaintext is 32 bytes');
        assert.ok(dataKey.ciphertext.length > 0, 'the ciphertext is not empty');
        assert.ok(Number.isInteger(dataKey.version), 'the version is an integer');
        assert.ok(dataKey.version >= 0, 'the version is not negative');
        plaintexts.add(Buffer.from(dataKey.plaintext).toString('hex'));
        ciphertexts.add(Buffer.from(dataKey.ciphertext).toString('hex'));
      }
      assert.equal(plaintexts.size, DATA_KEY_COUNT, 'every plaintext is different');
      assert.equal(ciphertexts.size, DATA_KEY_COUNT, 'every ciphertext is different');
    },
  },
  {
    id: 'kms.generate.round-trip',
    title: 'decrypts what it generated',
    async run({ kms, key }) {
      const name = await key();
      const contexts: Array<Context | undefined> = [
        undefined,
        { bucket: 'bucket/object' },
        { 'my-bucket': 'my-bucket/a b/ü/<&>', other: '' },
        new Map([['map', 'context']]),
      ];
      for (const context of contexts) {
        const dataKey = await kms.generateKey({ name, context });
        const plaintext = await kms.decrypt({
          name,
          ciphertext: dataKey.ciphertext,
          context,
          version: dataKey.version,
        });
        assertSameBytes(plaintext, dataKey.plaintext!, `round trip with ${describe(context)}`);
      }
    },
  },
  {
    id: 'kms.generate.default-key',
    title: 'uses the default key when no name is given',
    async run({ kms, capabilities, skip }) {
      if (kms.defaultKeyId === '') skip('no default key is configured');
      const dataKey = await kms.generateKey({ context: { a: 'b' } });
      assert.equal(dataKey.keyId, kms.defaultKeyId, 'generateKey without a name uses the default');
      const plaintext = await kms.decrypt({
        name: kms.defaultKeyId,
        ciphertext: dataKey.ciphertext,
        context: { a: 'b' },
        version: dataKey.version,
      });
      assertSameBytes(plaintext, dataKey.plaintext!, 'decrypt under the default key name');
      if (!capabilities.mac) return;

      const message = new TextEncoder().encode('default key MAC');
      const unnamed = await kms.mac({ message });
      const named = await kms.mac({ name: kms.defaultKeyId, message });
      assertSameBytes(unnamed, named, 'mac without a name uses the default key');
    },
  },
  {
    id: 'kms.generate.key-version',
    title: 'reports a usable key version',
    requires: needs('keyVersions'),
    async run({ kms, key }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name });
      assert.ok(Number.isInteger(dataKey.version), 'the version is an integer');
      assert.ok(dataKey.version >= 0, 'the version is not negative');
      const plaintext = await kms.decrypt({
        name,
        ciphertext: dataKey.ciphertext,
        version: dataKey.version,
      });
      assertSameBytes(plaintext, dataKey.plaintext!, 'decrypt with the reported version');
    },
  },
];

function describe(context: unknown): string {
  if (context instanceof Map) return 'a Map context';
  return context === undefined ? 'no context' : `context ${JSON.stringify(context)}`;
}
