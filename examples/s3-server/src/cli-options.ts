/**
 * The command line of `kmskit-s3-server`: its help text, option parsing and the default data
 * folder.
 */

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CliError } from './cli-messages.js';

/** The help text printed by `--help`. */
export const USAGE = `Usage: kmskit-s3-server [--port N] [--data-dir DIR]

Runs the kmskit example S3 server (SSE-S3, SSE-KMS and SSE-C) on https://127.0.0.1 until
Ctrl-C or SIGTERM.

Options:
  --port N          TCP port on 127.0.0.1 (default 9000; 0 picks a free port)
  --data-dir DIR    folder for buckets, objects, the generated KMS key and credentials
                    (default $XDG_DATA_HOME/kmskit-s3-server, or
                    ~/.local/share/kmskit-s3-server without XDG_DATA_HOME)
  -h, --help        print this help and exit

Environment:
  MINIO_KMS_SECRET_KEY                  builtin KMS key as <name>:<base64 of 32 bytes>. Without
                                        it, a key is generated once into <data-dir>/kms-secret.key
  MINIO_ROOT_USER, MINIO_ROOT_PASSWORD  access key pair. Without them, a pair is generated once
                                        into <data-dir>/credentials.json

Start, stop and every request that ends in an error response are logged to stderr.
Exit status: 0 after Ctrl-C or SIGTERM, 1 when the server cannot start, 2 for a usage error.
`;

/** The port used without `--port`. */
export const DEFAULT_PORT = 9000;

/** A command-line mistake, which `main` prints before it exits with 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

/** The parsed command line. */
export type CliArguments = { help: true } | { help: false; port: number; dataDir: string };

const OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parses the arguments after the script name.
 *
 * @throws {UsageError} for an unknown option, a missing or invalid value, or a positional argument.
 */
export function parseCliArguments(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): CliArguments {
  const { values, tokens } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind === 'positional') {
      throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}: see --help`);
    }
    if (token.kind !== 'option') continue;
    if (!Object.hasOwn(OPTIONS, token.name)) {
      throw new UsageError(`unknown option ${token.rawName}: see --help`);
    }
    const { type } = OPTIONS[token.name as keyof typeof OPTIONS];
    if (type === 'string' && token.value === undefined) {
      throw new UsageError(`option ${token.rawName} needs a value: see --help`);
    }
    if (type === 'boolean' && token.value !== undefined) {
      throw new UsageError(`option ${token.rawName} takes no value`);
    }
  }
  if (values.help === true) return { help: true };

  const portText = (values.port as string | undefined) ?? String(DEFAULT_PORT);
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!(port <= 65_535)) {
    throw new UsageError(
      `invalid --port ${JSON.stringify(portText)}: pass an integer from 0 to 65535`,
    );
  }
  const dataDirText = values['data-dir'] as string | undefined;
  if (dataDirText === '') throw new UsageError('invalid --data-dir "": pass a folder path');
  return {
    help: false,
    port,
    dataDir: dataDirText === undefined ? defaultDataDir(env) : resolve(dataDirText),
  };
}

/**
 * Returns the data folder used without `--data-dir`: `kmskit-s3-server` under `$XDG_DATA_HOME`,
 * or under `~/.local/share` when that variable is unset or not an absolute path (the XDG Base
 * Directory rule). It is outside any source checkout, so the generated secrets are not committed
 * by accident.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(home, '.local', 'share');
  return join(base, 'kmskit-s3-server');
}
