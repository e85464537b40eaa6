/** The shape of a `kmskit` command and what it receives when it runs. */

import type { OptionSpecs, OptionValues } from './arguments.js';
import type { CliIo, Output } from './cli-io.js';
import type { ConfiguredKms } from './kms-config.js';

/** The context of a running command. */
export interface CommandContext {
  /** Streams, environment and stop signal. */
  io: CliIo;
  /** Writes the result as text or JSON. */
  out: Output;
  /** Parsed options. */
  values: OptionValues;
  /** Positional arguments after the command words. */
  positionals: string[];
  /** Creates the configured KMS on first call; `runCli` closes it when the command ends. */
  kms(): Promise<ConfiguredKms>;
}

/** One command, such as `key create`. */
export interface Command {
  /** The command words, such as `key create`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage lines without the leading `kmskit `. */
  usage: string[];
  /** Paragraphs of the help text. */
  description: string[];
  /** Options besides `--json` and `--help`. */
  options: OptionSpecs;
  /** Help lines of the options: `[flag, text]`. */
  optionHelp: Array<[string, string]>;
  /** Example command lines. */
  examples: string[];
  /** Runs the command. A thrown error becomes one line on stderr and a non-zero exit status. */
  run(context: CommandContext): Promise<void>;
}

/** Commands under one word, such as `key create`, `key list` and `key delete`. */
export interface CommandGroup {
  /** The group word, such as `key`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** The commands; each `name` starts with the group word. */
  commands: Command[];
}
