/**
 * The `kmskit` entry point: resolves the command words, parses the arguments, runs the command and
 * turns every failure into one line on stderr and an exit status.
 */

import { parseCommandArguments } from './arguments.js';
import {
  describeError,
  EXIT_CODES,
  exitCodeOf,
  ReportedFailure,
  UsageError,
} from './cli-errors.js';
import { type CliIo, Output } from './cli-io.js';
import type { Command, CommandGroup } from './command.js';
import { findEntry, isGroup } from './command-table.js';
import { versionCommand } from './commands/version-command.js';
import { tlsTrustHint } from './config-errors.js';
import { commandHelp, groupHelp, mainHelp } from './help.js';
import { type ConfiguredKms, createConfiguredKms } from './kms-config.js';

/**
 * Runs `kmskit` with the arguments after the program name and returns the exit status: 0 on
 * success, 1 when the KMS, the configuration, a file or a demo step failed, 2 for a usage error.
 * It never throws and never exits the process; each failure is one `kmskit: <message>` line on
 * stderr.
 *
 * @example
 * const status = await runCli(['dek', 'generate', '--json'], { stdout, stderr, env });
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const fullIo: CliIo = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    signal: io.signal,
  };
  let configured: Promise<ConfiguredKms> | undefined;
  try {
    const invocation = resolve(argv);
    if (invocation.help !== undefined) {
      fullIo.stdout.write(invocation.help);
      return EXIT_CODES.success;
    }
    const { command, args, json } = invocation;
    const { values, positionals } = parseCommandArguments(command.name, args, command.options);
    if (values.help) {
      fullIo.stdout.write(commandHelp(command));
      return EXIT_CODES.success;
    }
    const out = new Output(fullIo, json || values.json === true);
    await command.run({
      io: fullIo,
      out,
      values,
      positionals,
      kms: () => {
        configured ??= createConfiguredKms(fullIo.env, (text) => out.notice(text));
        return configured;
      },
    });
    return EXIT_CODES.success;
  } catch (error) {
    const connectorType = await configured?.then(
      ({ kms }) => kms.type,
      () => undefined,
    );
    const hint = tlsTrustHint(error, connectorType);
    fullIo.stderr.write(`kmskit: ${describeError(error)}${hint ? `; ${hint}` : ''}\n`);
    return error instanceof ReportedFailure ? EXIT_CODES.failure : exitCodeOf(error);
  } finally {
    if (configured) {
      try {
        await (await configured).kms.close();
      } catch {
        // Creating the KMS failed (reported above) or closing it failed; neither changes the result.
      }
    }
  }
}

type Invocation =
  | { help: string; command?: undefined; args?: undefined; json?: undefined }
  | { help?: undefined; command: Command; args: string[]; json: boolean };

function resolve(argv: readonly string[]): Invocation {
  let index = 0;
  let json = false;
  for (; index < argv.length && argv[index]!.startsWith('-'); index++) {
    const option = argv[index]!;
    if (option === '--help' || option === '-h') return { help: mainHelp() };
    if (option === '--version' || option === '-v') {
      return { command: versionCommand, args: argv.slice(index + 1), json };
    }
    if (option === '--json') {
      json = true;
      continue;
    }
    throw new UsageError(`unknown option ${option}; run 'kmskit --help'`);
  }

  const word = argv[index];
  if (word === undefined) return { help: mainHelp() };
  if (word === 'help') return helpFor(argv.slice(index + 1));

  const entry = findEntry(word);
  if (!entry) {
    throw new UsageError(
      `unknown command ${JSON.stringify(word)}; run 'kmskit --help' for the list of commands`,
    );
  }
  if (!isGroup(entry)) return { command: entry, args: argv.slice(index + 1), json };

  const subword = argv[index + 1];
  if (subword === '--help' || subword === '-h') return { help: groupHelp(entry) };
  if (subword === undefined || subword.startsWith('-')) {
    throw new UsageError(
      `${entry.name}: missing command (${subcommandWords(entry)}); run 'kmskit ${entry.name} --help'`,
    );
  }
  const command = entry.commands.find((candidate) => candidate.name === `${entry.name} ${subword}`);
  if (!command) {
    throw new UsageError(
      `${entry.name}: unknown command ${JSON.stringify(subword)}: expected ${subcommandWords(entry)}; run 'kmskit ${entry.name} --help'`,
    );
  }
  return { command, args: argv.slice(index + 2), json };
}

function helpFor(words: readonly string[]): Invocation {
  if (words.length === 0) return { help: mainHelp() };
  const entry = findEntry(words[0]!);
  if (!entry) {
    throw new UsageError(`help: unknown command ${JSON.stringify(words[0])}; run 'kmskit --help'`);
  }
  if (!isGroup(entry)) return { help: commandHelp(entry) };
  if (words.length === 1) return { help: groupHelp(entry) };
  const command = entry.commands.find(
    (candidate) => candidate.name === `${entry.name} ${words[1]}`,
  );
  if (!command) {
    throw new UsageError(
      `help: unknown command ${JSON.stringify(`${entry.name} ${words[1]}`)}; run 'kmskit ${entry.name} --help'`,
    );
  }
  return { help: commandHelp(command) };
}

function subcommandWords(group: CommandGroup): string {
  return group.commands.map((command) => command.name.slice(group.name.length + 1)).join(', ');
}
