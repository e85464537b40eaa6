/**
 * MinIO's context encoding at the connector: contexts that encode to the same bytes are
 * interchangeable, and contexts that encode differently are not.
 */

import assert from 'node:assert/strict';
import { encodeContext, InvalidCiphertextError } from '@kmskit/core';
import { assertSameBytes, rejectsWith } from '../assertions.js';
import vectors from '../fixtures/context-vectors.json' with { type: 'json' };
import type { ConformanceCase } from '../types.js';

interface ContextVector {
  name: string;
  pairs: Array<[string, string]>;
  expected_hex: string;
}

const CONTEXT_VECTORS = (vectors as unknown as { vectors: ContextVector[] }).vectors;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Cases of the `kms.context` area that use MinIO's context vectors. */
export const contextEncodingCases: readonly ConformanceCase[] = [
  {
    id: 'kms.context.canonical-encoding',
    title: 'binds contexts by their MinIO encoding',
    async run({ kms, key }) {
      assert.equal(CONTEXT_VECTORS.length, 20, 'the package carries 20 context vectors');
      const name = await key();
      const generated = [];
      for (const vector of CONTEXT_VECTORS) {
        const pairs = vector.pairs.map(([key, value]) => [text(key), text(value)] as const);
        const forward = Object.fromEntries(pairs);
        const reverse = new Map([...pairs].reverse());
        const encoded = Buffer.from(encodeContext(reverse)).toString('hex');
        assert.equal(encoded, vector.expected_hex, `${vector.name}: the client encodes as MinIO`);

        const dataKey = await kms.generateKey({ name, context: forward });
        const plaintext = await kms.decrypt({
          name,
          ciphertext: dataKey.ciphertext,
          context: reverse,
          version: dataKey.version,
        });
        assertSameBytes(plaintext, dataKey.plaintext!, `${vector.name}: reversed entries`);
        generated.push({ vector, forward, dataKey });
      }

      // Each data key fails under the next vector's context unless both encode the same.
      for (let i = 0; i < generated.length; i++) {
        const current = generated[i]!;
        const next = generated[(i + 1) % generated.length]!;
        if (current.vector.expected_hex === next.vector.expected_hex) continue;
        await rejectsWith(
          kms.decrypt({
            name,
            ciphertext: current.dataKey.ciphertext,
            context: next.forward,
            version: current.dataKey.version,
          }),
          InvalidCiphertextError,
          `${current.vector.name}: decrypt with the context of ${next.vector.name}`,
        );
      }
    },
  },
];

function text(hex: string): string {
  return decoder.decode(Buffer.from(hex, 'hex'));
}
