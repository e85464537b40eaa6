/**
 * Key names: a name with Unicode, `/`, `%`, spaces or 300 characters is either a key of its own
 * or rejected with a typed error, and no name ever acts as another key.
 */

import assert from 'node:assert/strict';
import { KmsError } from '@kmskit/core';
import { assertSameBytes, rejectsWithKmsError } from '../assertions.js';
import type { ConformanceCase, ConformanceContext } from '../types.js';

const LONG_NAME_LENGTH = 300;

/** Cases of the `kms.names` area. */
export const nameCases: readonly ConformanceCase[] = [
  {
    id: 'kms.names.unusual',
    title: 'handles unusual key names',
    async run(context) {
      const { capabilities, uniqueName } = context;
      if (!capabilities.createKey) {
        // Nothing can create these names, so none of them may work.
        const prefix = uniqueName('odd');
        for (const [what, name] of unusualNames(prefix, prefix)) {
          await expectUnusable(context, name, undefined, what);
        }
        return;
      }
      const target = uniqueName('odd');
      await context.createKey(target);
      for (const [what, name, aliasTarget] of unusualNames(target, target)) {
        if (aliasTarget !== target) await context.createKey(aliasTarget);
        await checkUnusualName(context, name, aliasTarget, what);
      }
    },
  },
  {
    id: 'kms.names.no-alias',
    title: 'never resolves a name to another key',
    async run(context) {
      const target = await context.key('alias');
      for (const [what, name] of aliasesOf(target)) {
        await expectUnusable(context, name, target, what);
      }
    },
  },
];

/**
 * Returns `[description, name, alias target]` triples. The alias target is the existing key a
 * careless connector would map the name to: the prefix before a `/`, the name with dot segments
 * resolved, or the first 80 characters of a long name.
 */
function unusualNames(prefix: string, target: string): Array<[string, string, string]> {
  const long = `${prefix}-${'x'.repeat(LONG_NAME_LENGTH)}`.slice(0, LONG_NAME_LENGTH);
  return [
    ['a Unicode name', `${prefix}-ключ-ü-🔑`, target],
    ['a name with a slash', `${target}/b`, target],
    ['a name with an encoded slash', `${target}%2Fb`, target],
    ['a name with a percent sign', `${prefix}-100%`, target],
    ['a name with spaces', `${prefix} my key`, target],
    ['a name with a dot segment', `b/../${target}`, target],
    ['a name of 300 characters', long, long.slice(0, 80)],
  ];
}

/** Returns names that differ from `target` only in ways a connector must not ignore. */
function aliasesOf(target: string): Array<[string, string]> {
  const aliases: Array<[string, string]> = [
    ['the name with a path segment', `${target}/b`],
    ['the name with a trailing slash', `${target}/`],
    ['the name after a dot segment', `b/../${target}`],
    ['the name after ./', `./${target}`],
    ['the name with an encoded slash', `${target}%2F`],
    ['the percent-encoded name', encodeURIComponent(target).replace(/-/g, '%2D')],
    ['the name with a leading space', ` ${target}`],
    ['the name with a trailing space', `${target} `],
    ['the name with a NUL character', `${target}\u0000`],
    ['the name with a query string', `${target}?x=1`],
  ];
  if (target.toUpperCase() !== target) aliases.push(['the upper-case name', target.toUpperCase()]);
  return aliases;
}

/**
 * Creates `name` and checks it: either creation fails with a `KmsError` and the name stays
 * unusable, or it becomes a key of its own that round-trips and is separate from `aliasTarget`.
 */
async function checkUnusualName(
  context: ConformanceContext,
  name: string,
  aliasTarget: string,
  what: string,
): Promise<void> {
  const { kms, capabilities } = context;
  try {
    await context.createKey(name);
  } catch (error) {
    assert.ok(KmsError.isInstance(error), `createKey with ${what}: expected a KmsError`);
    await expectUnusable(context, name, aliasTarget, `${what} (rejected by createKey)`);
    return;
  }

  const dataKey = await kms.generateKey({ name, context: { n: what } });
  assert.equal(dataKey.keyId, name, `${what}: the data key names the key exactly`);
  const plaintext = await kms.decrypt({
    name,
    ciphertext: dataKey.ciphertext,
    context: { n: what },
    version: dataKey.version,
  });
  assertSameBytes(plaintext, dataKey.plaintext!, `${what}: round trip`);
  await rejectsWithKmsError(
    kms.decrypt({ name: aliasTarget, ciphertext: dataKey.ciphertext, context: { n: what } }),
    `${what}: decrypt its data key under '${aliasTarget}'`,
  );
  const targetKey = await kms.generateKey({ name: aliasTarget, context: { n: what } });
  await rejectsWithKmsError(
    kms.decrypt({ name, ciphertext: targetKey.ciphertext, context: { n: what } }),
    `${what}: decrypt a data key of '${aliasTarget}' under it`,
  );
  if (capabilities.listKeys) {
    const page = await kms.listKeys({ prefix: name });
    assert.ok(page.names.includes(name), `${what}: listed under its exact name`);
  }
}

/**
 * Asserts that a name that was never created is unusable: generating under it fails with a
 * `KmsError`, and so does decrypting a data key of `aliasTarget` under it.
 */
async function expectUnusable(
  context: ConformanceContext,
  name: string,
  aliasTarget: string | undefined,
  what: string,
): Promise<void> {
  const { kms } = context;
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
  const generate = kms.generateKey({ name, context: { n: what } });
  await rejectsWithKmsError(generate, `generateKey with ${what} ${shown}, which was never created`);
  if (aliasTarget === undefined) return;

  const targetKey = await kms.generateKey({ name: aliasTarget, context: { n: what } });
  await rejectsWithKmsError(
    kms.decrypt({ name, ciphertext: targetKey.ciphertext, context: { n: what } }),
    `decrypt a data key of '${aliasTarget}' with ${what} ${shown}`,
  );
}
