/** Help texts of `kmskit`, its command groups and its commands. */

import type { Command, CommandGroup } from './command.js';
import { allCommands } from './command-table.js';

const WIDTH = 100;

/** Returns the help of `kmskit` itself: commands, configuration and exit statuses. */
export function mainHelp(): string {
  const commands = allCommands();
  const column = Math.max(...commands.map((command) => firstUsageWords(command).length)) + 2;
  const lines = [
    "kmskit: MinIO-compatible key management: master keys, data keys and MinIO's KMS formats.",
    '',
    'Usage: kmskit <command> [arguments] [--json] [--help]',
    '',
    'Commands:',
    ...commands.map((command) => `  ${firstUsageWords(command).padEnd(column)}${command.summary}`),
    '',
    'Options of every command:',
    '  --json        print the result as one JSON document',
    '  -h, --help    show the help of the command',
    '',
    'Configuration:',
    ...wrap(
      "kmskit reads MinIO's KMS environment variables: MINIO_KMS_SERVER, MINIO_KMS_ENCLAVE, MINIO_KMS_API_KEY and MINIO_KMS_SSE_KEY (and KMSKIT_MINKMS_CAPATH) for MinIO KMS; MINIO_KMS_KES_ENDPOINT, MINIO_KMS_KES_KEY_NAME and MINIO_KMS_KES_API_KEY or MINIO_KMS_KES_CERT_FILE with MINIO_KMS_KES_KEY_FILE (and MINIO_KMS_KES_CAPATH) for KES; MINIO_KMS_SECRET_KEY or MINIO_KMS_SECRET_KEY_FILE for the builtin KMS. When none is set it uses a builtin KMS whose key is in $XDG_CONFIG_HOME/kmskit/builtin.key (~/.config/kmskit/builtin.key), created on first use with mode 0600. KMSKIT_CONFIG_DIR replaces the directory.",
      '  ',
    ),
    '',
    'Exit status: 0 success, 1 failure (KMS, configuration, file or demo step), 2 usage error.',
    "Run 'kmskit <command> --help' for the arguments of a command.",
  ];
  return `${lines.join('\n')}\n`;
}

/** Returns the help of a group such as `key`. */
export function groupHelp(group: CommandGroup): string {
  const column = Math.max(...group.commands.map((command) => firstUsageWords(command).length)) + 2;
  const lines = [
    `kmskit ${group.name}: ${group.summary}`,
    '',
    'Commands:',
    ...group.commands.map(
      (command) => `  ${firstUsageWords(command).padEnd(column)}${command.summary}`,
    ),
    '',
    `Run 'kmskit ${group.name} <command> --help' for the arguments of a command.`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Returns the help of one command. */
export function commandHelp(command: Command): string {
  const options: Array<[string, string]> = [
    ...command.optionHelp,
    ['--json', 'print the result as one JSON document'],
    ['-h, --help', 'show this help'],
  ];
  const column = Math.max(...options.map(([flag]) => flag.length)) + 2;
  const lines = [
    `kmskit ${command.name}: ${command.summary}`,
    '',
    ...command.usage.map((usage, index) => `${index === 0 ? 'Usage: ' : '       '}kmskit ${usage}`),
    '',
  ];
  for (const paragraph of command.description) lines.push(...wrap(paragraph, ''), '');
  lines.push('Options:');
  for (const [flag, text] of options) lines.push(`  ${flag.padEnd(column)}${text}`);
  if (command.examples.length > 0) {
    lines.push('', 'Examples:', ...command.examples.map((example) => `  ${example}`));
  }
  return `${lines.join('\n')}\n`;
}

function firstUsageWords(command: Command): string {
  const usage = command.usage[0] ?? command.name;
  const optional = usage.indexOf(' [');
  return optional < 0 ? usage : usage.slice(0, optional);
}

function wrap(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(/\s+/)) {
    if (line.trim() !== '' && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
    }
    line += line.trim() === '' ? word : ` ${word}`;
  }
  if (line.trim() !== '') lines.push(line);
  return lines;
}
