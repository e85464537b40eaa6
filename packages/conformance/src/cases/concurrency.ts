/** Many operations at once on one client. */

import assert from 'node:assert/strict';
import { assertSameBytes } from '../assertions.js';
import type { ConformanceCase } from '../types.js';

const CONCURRENT_OPERATIONS = 200;

/** Cases of the `kms.concurrency` area. */
export const concurrencyCases: readonly ConformanceCase[] = [
  {
    id: 'kms.concurrency.parallel-operations',
    title: 'runs 200 concurrent operations',
    async run({ kms, key }) {
      const name = await key();
      const count = CONCURRENT_OPERATIONS / 2;
      const dataKeys = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          kms.generateKey({ name, context: { index: String(index) } }),
        ),
      );
      const plaintexts = await Promise.all(
        dataKeys.map((dataKey, index) =>
          kms.decrypt({
            name,
            ciphertext: dataKey.ciphertext,
            context: { index: String(index) },
            version: dataKey.version,
          }),
        ),
      );
      plaintexts.forEach((plaintext, index) => {
        assertSameBytes(plaintext, dataKeys[index]!.plaintext!, `data key ${index}`);
      });
      const unique = new Set(
        dataKeys.map((dataKey) => Buffer.from(dataKey.plaintext!).toString('hex')),
      );
      assert.equal(unique.size, count, 'concurrent data keys are all different');
      const metrics = kms.metrics().operations;
      assert.equal(metrics.generateKey.success, count, 'every generateKey is counted');
      assert.equal(metrics.decrypt.success, count, 'every decrypt is counted');
    },
  },
];
