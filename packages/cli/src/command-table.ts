/** Every `kmskit` command, in the order the help lists them. */

import type { Command, CommandGroup } from './command.js';
import { dekCommands } from './commands/dek-commands.js';
import { demoCommand } from './commands/demo-command.js';
import { devServerCommand } from './commands/dev-server-command.js';
import { fileCommands } from './commands/file-commands.js';
import { keyCommands } from './commands/key-commands.js';
import { statusCommand } from './commands/status-command.js';
import { versionCommand } from './commands/version-command.js';

/** Top-level entries: single commands and groups of subcommands. */
export const COMMAND_TABLE: ReadonlyArray<Command | CommandGroup> = [
  demoCommand,
  keyCommands,
  dekCommands,
  ...fileCommands,
  statusCommand,
  devServerCommand,
  versionCommand,
];

/** Reports whether an entry is a group of subcommands. */
export function isGroup(entry: Command | CommandGroup): entry is CommandGroup {
  return 'commands' in entry;
}

/** Finds a top-level entry by its word. */
export function findEntry(word: string): Command | CommandGroup | undefined {
  return COMMAND_TABLE.find((entry) => entry.name === word);
}

/** Returns every command, with groups expanded. */
export function allCommands(): Command[] {
  return COMMAND_TABLE.flatMap((entry) => (isGroup(entry) ? entry.commands : [entry]));
}
