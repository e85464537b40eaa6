/** Master key management: unknown keys, creation, listing with pages, deletion. */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { KeyExistsError, KeyNotFoundError, type KMS, NotSupportedError } from '@kmskit/core';
import { assertSameBytes, rejectsWith, rejectsWithKmsError } from '../assertions.js';
import { needs } from '../requirements.js';
import type { ConformanceCase } from '../types.js';

const PAGE_LIMIT = 2;
const MAX_PAGES = 20;

/** Cases of the `kms.keys` area. */
export const keyCases: readonly ConformanceCase[] = [
  {
    id: 'kms.keys.unknown',
    title: 'reports unknown keys as not found',
    async run({ kms, key, uniqueName }) {
      const existing = await key();
      const dataKey = await kms.generateKey({ name: existing });
      const missing = uniqueName('missing');
      const generate = await rejectsWith(
        kms.generateKey({ name: missing }),
        KeyNotFoundError,
        'generateKey with an unknown key',
      );
      assert.equal(generate.status, 404, 'the status is 404');
      assert.equal(generate.retryable, false, 'the error is not retryable');
      await rejectsWith(
        kms.decrypt({ name: missing, ciphertext: dataKey.ciphertext }),
        KeyNotFoundError,
        'decrypt with an unknown key',
      );
    },
  },
  {
    id: 'kms.keys.create-existing',
    title: 'rejects creating an existing key',
    requires: needs('createKey'),
    async run({ kms, key }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name });
      const error = await rejectsWith(
        kms.createKey({ name }),
        KeyExistsError,
        'createKey of an existing key',
      );
      assert.equal(error.status, 409, 'the status is 409');
      const plaintext = await kms.decrypt({
        name,
        ciphertext: dataKey.ciphertext,
        version: dataKey.version,
      });
      assertSameBytes(plaintext, dataKey.plaintext!, 'the existing key was not replaced');
    },
  },
  {
    id: 'kms.keys.list-prefix',
    title: 'lists keys by prefix',
    requires: needs('listKeys'),
    async run({ kms, capabilities, uniqueName, createKey, key }) {
      if (!capabilities.createKey) {
        const name = await key();
        assert.deepEqual(await listAll(kms, name), [name], 'listing its own name finds the key');
        assert.ok((await listAll(kms, '')).includes(name), 'listing everything finds the key');
        assert.deepEqual(await listAll(kms, uniqueName('none')), [], 'an unused prefix is empty');
        return;
      }
      const prefix = uniqueName('list');
      const names = [`${prefix}-c`, `${prefix}-a`, `${prefix}-b`];
      for (const name of names) await createKey(name);
      await createKey(uniqueName('other'));

      assert.deepEqual(await listAll(kms, prefix), [...names].sort(), 'the prefix lists its keys');
      assert.deepEqual(await listAll(kms, `${prefix}-b`), [`${prefix}-b`], 'a longer prefix');
      assert.deepEqual(await listAll(kms, uniqueName('none')), [], 'an unused prefix is empty');
      const all = await listAll(kms, '*');
      for (const name of names) assert.ok(all.includes(name), `'*' lists ${name}`);
    },
  },
  {
    id: 'kms.keys.list-pagination',
    title: 'pages through keys with limit and continueAt',
    requires: needs('createKey', 'listKeys'),
    async run({ kms, uniqueName, createKey }) {
      const prefix = uniqueName('page');
      const names = ['e', 'a', 'd', 'b', 'c'].map((suffix) => `${prefix}-${suffix}`);
      for (const name of names) await createKey(name);

      const seen: string[] = [];
      let continueAt = '';
      let pages = 0;
      do {
        const page = await kms.listKeys({ prefix, continueAt, limit: PAGE_LIMIT });
        pages++;
        assert.ok(page.names.length <= PAGE_LIMIT, `page ${pages} has at most ${PAGE_LIMIT} names`);
        assert.ok(page.names.length > 0 || page.continueAt === '', `page ${pages} is not empty`);
        seen.push(...page.names);
        continueAt = page.continueAt;
        assert.ok(pages <= MAX_PAGES, `listing ended after ${MAX_PAGES} pages`);
      } while (continueAt !== '');

      assert.deepEqual(seen, [...names].sort(), 'the pages hold every key once, in order');
      assert.ok(pages >= 3, `5 keys with limit ${PAGE_LIMIT} give at least 3 pages, got ${pages}`);
    },
  },
  {
    id: 'kms.keys.delete-then-use',
    title: 'forgets a deleted key',
    requires: needs('createKey', 'deleteKey'),
    async run({ kms, capabilities, key, createKey }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name, context: { a: 'b' } });
      await kms.deleteKey({ name });

      await rejectsWith(kms.generateKey({ name }), KeyNotFoundError, 'generateKey after delete');
      await rejectsWith(
        kms.decrypt({ name, ciphertext: dataKey.ciphertext, context: { a: 'b' } }),
        KeyNotFoundError,
        'decrypt after delete',
      );
      if (capabilities.listKeys) {
        assert.deepEqual(await listAll(kms, name), [], 'a deleted key is not listed');
      }

      // A key created again under the same name is a new key: old data keys stay lost.
      await createKey(name);
      await rejectsWithKmsError(
        kms.decrypt({ name, ciphertext: dataKey.ciphertext, context: { a: 'b' } }),
        'decrypt an old data key with a re-created key',
      );
    },
  },
  {
    id: 'kms.keys.delete-missing',
    title: 'deletes a missing key as declared',
    requires: needs('deleteKey'),
    async run({ kms, capabilities, uniqueName }) {
      const missing = uniqueName('missing');
      if (capabilities.deleteMissingKey === 'succeeds') {
        await kms.deleteKey({ name: missing });
        return;
      }
      await rejectsWith(kms.deleteKey({ name: missing }), KeyNotFoundError, 'delete a missing key');
    },
  },
  {
    id: 'kms.keys.unsupported-operations',
    title: 'rejects operations it does not support',
    async run({ kms, uniqueName, skip }) {
      // The connector's own flags, not the suite's overrides: an override may hide a feature
      // that the connector still has.
      const capabilities = kms.capabilities;
      const name = uniqueName('unsupported');
      const checks: Array<[string, () => Promise<unknown>]> = [];
      if (!capabilities.createKey) checks.push(['createKey', () => kms.createKey({ name })]);
      if (!capabilities.deleteKey) checks.push(['deleteKey', () => kms.deleteKey({ name })]);
      if (!capabilities.listKeys) checks.push(['listKeys', () => kms.listKeys()]);
      if (!capabilities.mac) {
        checks.push(['mac', () => kms.mac({ name, message: randomBytes(8) })]);
      }
      if (checks.length === 0) skip('the connector supports every optional operation');
      for (const [operation, call] of checks) {
        const error = await rejectsWithKmsError(call(), `${operation} without the capability`);
        const expected = NotSupportedError.isInstance(error) || KeyNotFoundError.isInstance(error);
        assert.ok(expected, `${operation}: expected NotSupportedError, got ${error.code}`);
      }
    },
  },
];

/** Lists every name with a prefix, following `continueAt` across pages. */
async function listAll(kms: KMS, prefix: string): Promise<string[]> {
  const names: string[] = [];
  let continueAt = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const result = await kms.listKeys({ prefix, continueAt });
    names.push(...result.names);
    if (result.continueAt === '') return names;
    continueAt = result.continueAt;
  }
  assert.fail(`listing prefix '${prefix}' did not end after ${MAX_PAGES} pages`);
}
