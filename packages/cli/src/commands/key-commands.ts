/** `kmskit key create|list|delete`: master keys at the KMS. */

import { NotSupportedError } from '@kmskit/core';
import { expectPositionals, parseCount } from '../arguments.js';
import type { Command, CommandGroup } from '../command.js';
import type { ConfiguredKms } from '../kms-config.js';

const create: Command = {
  name: 'key create',
  summary: 'create a master key',
  usage: ['key create <name> [--json]'],
  description: [
    'Creates a master key at the KMS. The builtin KMS has exactly one key, the one it is configured with: creating that name fails with kms:KeyAlreadyExists and any other name with kms:NotSupported. KES and MinIO KMS create new keys.',
  ],
  options: {},
  optionHelp: [],
  examples: ['kmskit key create my-app-key'],
  async run({ out, positionals, kms }) {
    expectPositionals('key create', positionals, ['name'], 1);
    const name = positionals[0]!;
    const configured = await kms();
    await configured.kms.createKey({ name }).catch((error: unknown) => {
      throw withKeySource(error, configured);
    });
    if (out.json) out.document({ created: name });
    else out.line(`created key '${name}'`);
  },
};

const list: Command = {
  name: 'key list',
  summary: 'list master keys',
  usage: ['key list [prefix] [--limit N] [--continue-at NAME] [--json]'],
  description: [
    'Lists the names of master keys that start with the prefix (all keys without one), in ascending order. With --limit the list stops after N names and the text output ends with a notice on stderr that tells where the next page starts; pass that name to --continue-at.',
  ],
  options: {
    limit: { type: 'string' },
    'continue-at': { type: 'string' },
  },
  optionHelp: [
    ['--limit N', 'list at most N names (0, the default, lists all)'],
    ['--continue-at NAME', 'start the list at NAME, as printed by a previous page'],
  ],
  examples: ['kmskit key list', 'kmskit key list my- --limit 10'],
  async run({ out, values, positionals, kms }) {
    expectPositionals('key list', positionals, ['prefix'], 0);
    const limit = parseCount('key list', 'limit', values.limit as string | undefined) ?? 0;
    const continueAt = (values['continue-at'] as string | undefined) ?? '';
    const { kms: client } = await kms();
    const page = await client.listKeys({ prefix: positionals[0] ?? '', continueAt, limit });
    if (out.json) {
      out.document({ names: page.names, continueAt: page.continueAt });
      return;
    }
    for (const name of page.names) out.line(name);
    if (page.continueAt) {
      out.notice(
        `more keys follow: run again with --continue-at ${JSON.stringify(page.continueAt)}`,
      );
    }
  },
};

const remove: Command = {
  name: 'key delete',
  summary: 'delete a master key',
  usage: ['key delete <name> [--json]'],
  description: [
    'Deletes a master key at the KMS. Data keys that it encrypted can no longer be decrypted, so objects encrypted with them are lost. The builtin KMS cannot delete its key (kms:NotSupported).',
  ],
  options: {},
  optionHelp: [],
  examples: ['kmskit key delete my-app-key'],
  async run({ out, positionals, kms }) {
    expectPositionals('key delete', positionals, ['name'], 1);
    const name = positionals[0]!;
    const configured = await kms();
    await configured.kms.deleteKey({ name }).catch((error: unknown) => {
      throw withKeySource(error, configured);
    });
    if (out.json) out.document({ deleted: name });
    else out.line(`deleted key '${name}'`);
  },
};

/** The `key` commands. */
export const keyCommands: CommandGroup = {
  name: 'key',
  summary: 'create, list and delete master keys',
  commands: [create, list, remove],
};

/**
 * Adds where the builtin KMS's one key comes from to its `kms:NotSupported` errors, such as the
 * default key file, since the connector itself cannot know. Other errors pass unchanged.
 */
function withKeySource(error: unknown, configured: ConfiguredKms): unknown {
  if (configured.kms.type !== 'builtin' || !NotSupportedError.isInstance(error)) return error;
  return new NotSupportedError(
    `${error.message}; kmskit reads that key from ${configured.source}`,
    {
      cause: error,
    },
  );
}
