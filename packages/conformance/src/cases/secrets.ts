/** Key material never shows in messages, `util.inspect` or `JSON.stringify` output. */

import { randomBytes } from 'node:crypto';
import { assertNoSecrets } from '../assertions.js';
import type { ConformanceCase } from '../types.js';

/** Cases of the `kms.secrets` area. */
export const secretCases: readonly ConformanceCase[] = [
  {
    id: 'kms.secrets.no-key-material',
    title: 'keeps key material out of output',
    async run({ kms, key, secrets, uniqueName, capabilities }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name, context: { a: 'b' } });
      const plaintext = dataKey.plaintext!;
      const all = [...secrets, plaintext];

      assertNoSecrets(dataKey, all, 'the data key');
      assertNoSecrets(kms, all, 'the KMS client');
      assertNoSecrets(await kms.status(), all, 'the status');

      const failures: Array<[string, () => Promise<unknown>]> = [
        [
          'decrypt with a wrong context',
          () => kms.decrypt({ name, ciphertext: dataKey.ciphertext }),
        ],
        ['decrypt of random bytes', () => kms.decrypt({ name, ciphertext: randomBytes(76) })],
        [
          'decrypt with an unknown key',
          () => kms.decrypt({ name: uniqueName('missing'), ciphertext: dataKey.ciphertext }),
        ],
        ['generateKey with an unknown key', () => kms.generateKey({ name: uniqueName('missing') })],
      ];
      if (capabilities.createKey) failures.push(['createKey twice', () => kms.createKey({ name })]);
      else failures.push(['createKey', () => kms.createKey({ name: uniqueName('new') })]);
      for (const [what, call] of failures) {
        let error: unknown;
        try {
          await call();
        } catch (caught) {
          error = caught;
        }
        if (error !== undefined) assertNoSecrets(error, all, `the error of ${what}`);
      }

      const decrypted = await kms.decrypt({
        name,
        ciphertext: dataKey.ciphertext,
        context: { a: 'b' },
        version: dataKey.version,
      });
      dataKey.zero();
      assertNoSecrets(dataKey, [decrypted], 'the zeroed data key');
    },
  },
];
