/**
 * Command-line parsing on top of `node:util` `parseArgs`: every command accepts `--json` and
 * `--help`, and every parse error becomes a `UsageError` with a message that names the argument.
 */

import { type ParseArgsConfig, parseArgs } from 'node:util';
import { fromBase64 } from '@kmskit/core';
import { UsageError } from './cli-errors.js';

/** Option definitions in `parseArgs` form. */
export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;

/** The options every command accepts. */
export const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpecs;

/** Parsed options: strings, booleans and lists of strings, by option name. */
export type OptionValues = Record<string, string | boolean | string[] | undefined>;

/** A parsed command line of one command. */
export interface ParsedArguments {
  values: OptionValues;
  positionals: string[];
}

/**
 * Parses the arguments of `command` against its options and the common ones.
 *
 * @throws {UsageError} for an unknown option, a missing option value or a value given to a flag.
 */
export function parseCommandArguments(
  command: string,
  args: readonly string[],
  options: OptionSpecs,
): ParsedArguments {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(args, options),
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as OptionValues, positionals };
  } catch (error) {
    throw new UsageError(`${command}: ${parseErrorText(error)}; run 'kmskit ${command} --help'`);
  }
}

/**
 * Checks the number of positional arguments.
 *
 * @throws {UsageError} naming the missing or unexpected argument.
 */
export function expectPositionals(
  command: string,
  positionals: readonly string[],
  names: readonly string[],
  required: number,
): void {
  if (positionals.length < required) {
    const missing = names[positionals.length] ?? 'argument';
    throw new UsageError(`${command}: missing <${missing}>; run 'kmskit ${command} --help'`);
  }
  if (positionals.length > names.length) {
    const extra = positionals[names.length];
    throw new UsageError(
      `${command}: unexpected argument ${JSON.stringify(extra)}; run 'kmskit ${command} --help'`,
    );
  }
}

/**
 * Parses a non-negative integer option such as `--limit`, from `minimum` to `maximum`.
 *
 * @throws {UsageError} when the text is not a decimal integer in range; the message states the
 *   range that is accepted.
 */
export function parseCount(
  command: string,
  option: string,
  text: string | undefined,
  maximum = Number.MAX_SAFE_INTEGER,
  minimum = 0,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < minimum || value > maximum) {
    const range =
      maximum === Number.MAX_SAFE_INTEGER && minimum === 0
        ? 'a non-negative integer'
        : `an integer from ${minimum} to ${maximum}`;
    throw new UsageError(
      `${command}: invalid --${option} ${JSON.stringify(text)}: expected ${range}`,
    );
  }
  return value;
}

/**
 * Decodes a standard, padded base64 argument.
 *
 * @throws {UsageError} when the text is not valid base64.
 */
export function parseBase64Argument(
  command: string,
  what: string,
  text: string,
  hint = '',
): Uint8Array {
  const bytes = fromBase64(text.trim());
  if (!bytes) {
    throw new UsageError(
      `${command}: invalid ${what}: expected standard base64 with padding (A-Z a-z 0-9 + / =)${hint}`,
    );
  }
  return bytes;
}

/**
 * Builds a KMS context from `--context key=value` options and a `--context-json` object. A key
 * given twice is an error, because the KMS binds a data key to exactly one value per key.
 *
 * @throws {UsageError} for a pair without `=`, JSON that is not an object of strings, an empty
 *   key or a key given twice.
 */
export function parseContextOptions(
  command: string,
  pairs: readonly string[] | undefined,
  json: string | undefined,
): Record<string, string> {
  const context: Record<string, string> = Object.create(null);
  const add = (key: string, value: string, option: string) => {
    if (key === '') {
      throw new UsageError(
        `${command}: invalid ${option}: a context key is empty; use a non-empty key such as the bucket name`,
      );
    }
    if (Object.hasOwn(context, key)) {
      throw new UsageError(`${command}: context key ${JSON.stringify(key)} is given twice`);
    }
    context[key] = value;
  };

  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw new UsageError(
        `${command}: invalid --context-json: not valid JSON; pass an object of strings such as '{"bucket":"bucket/object"}'`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new UsageError(`${command}: invalid --context-json: expected a JSON object of strings`);
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (typeof value !== 'string') {
        throw new UsageError(
          `${command}: invalid --context-json: the value of ${JSON.stringify(key)} is not a string`,
        );
      }
      add(key, value, '--context-json');
    }
  }

  for (const pair of pairs ?? []) {
    const split = pair.indexOf('=');
    if (split < 0) {
      throw new UsageError(
        `${command}: invalid --context ${JSON.stringify(pair)}: expected key=value`,
      );
    }
    add(pair.slice(0, split), pair.slice(split + 1), `--context ${JSON.stringify(pair)}`);
  }
  return { ...context };
}

/**
 * Joins `--option -1` into `--option=-1` for options that take a value. `parseArgs` rejects a
 * value that starts with '-' as ambiguous, but a negative number is meant as the value, and the
 * option's own check then explains which values are valid.
 */
function joinNegativeValues(args: readonly string[], options: OptionSpecs): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const next = args[index + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      index++;
    } else {
      joined.push(arg);
    }
  }
  return joined;
}

function parseErrorText(error: unknown): string {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(message)?.[1];
    return `unknown option ${option ?? ''}`.trim();
  }
  const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const option = ambiguous[1];
    return `${option} needs a value: pass it as ${option}=VALUE when it starts with '-'`;
  }
  // Node's other parse messages are one sentence that names the option; keep that sentence.
  return message.split('. ')[0]!.replace(/\.$/, '');
}
