/** `kmskit version`: the CLI's own version; it does not contact the KMS. */

import { expectPositionals } from '../arguments.js';
import { CLI_VERSION } from '../cli-version.js';
import type { Command } from '../command.js';

/** The `version` command. */
export const versionCommand: Command = {
  name: 'version',
  summary: 'print the kmskit version',
  usage: ['version [--json]', '--version'],
  description: [
    'Prints the version of kmskit and of Node.js. It does not contact the KMS: `kmskit status` shows the KMS version.',
  ],
  options: {},
  optionHelp: [],
  examples: ['kmskit version'],
  async run({ out, positionals }) {
    expectPositionals('version', positionals, [], 0);
    if (out.json) out.document({ kmskit: CLI_VERSION, node: process.version });
    else out.line(`kmskit ${CLI_VERSION} (node ${process.version})`);
  },
};
