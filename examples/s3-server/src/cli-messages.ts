/**
 * The lines `kmskit-s3-server` prints: log lines, one-line start-up failures and the AWS CLI
 * command to try.
 */

import type { S3ServerLogEntry } from './router.js';

/** The program name that starts every error line. */
export const PROGRAM = 'kmskit-s3-server';

/** Formats a server log entry as one line: time, level, message, request id and fault. */
export function formatLogEntry(entry: S3ServerLogEntry, now = new Date()): string {
  let line = `${now.toISOString()} ${entry.level} ${entry.message}`;
  if (entry.requestId !== undefined) line += ` request-id=${entry.requestId}`;
  if (entry.level === 'error' && entry.error !== undefined) {
    line += `: ${describeError(entry.error)}`;
  }
  return line;
}

/** Describes an error on one line: its name and message, then its cause's. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return oneLine(String(error));
  let text = `${error.name}: ${error.message}`;
  if (error.cause !== undefined) text += ` (cause: ${describeError(error.cause)})`;
  return oneLine(text);
}

/** A failure that `main` prints as one line before it exits with `exitCode`. */
export class CliError extends Error {
  /** 1 when the server cannot start, 2 for a usage or configuration mistake. */
  readonly exitCode: 1 | 2;

  constructor(message: string, exitCode: 1 | 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Describes why the server could not listen on `port`, as one line with the fix. */
export function describeListenError(error: unknown, port: number): string {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  if (syscall === 'listen' && code === 'EADDRINUSE') {
    return `port ${port} is in use: pass another --port, or --port 0 for a free one`;
  }
  if (syscall === 'listen' && code === 'EACCES') {
    return `no permission to listen on port ${port}: pass a port above 1023`;
  }
  return `failed to start the server on port ${port}: ${describeError(error)}`;
}

/** Returns Node's errno text, such as `EACCES: permission denied`, without the path it names. */
export function errnoText(error: unknown): string {
  const { code, message } = (error ?? {}) as NodeJS.ErrnoException;
  if (typeof message !== 'string') return String(error);
  const comma = message.indexOf(', ');
  return comma > 0 && code !== undefined ? message.slice(0, comma) : message;
}

/** The source of the credentials in the AWS CLI command. */
export type CredentialSource =
  | { kind: 'environment' }
  | { kind: 'file'; path: string; accessKeyId: string };

/**
 * Returns the AWS CLI command that creates a bucket, with the credentials, region and CA set as
 * variables before it. The secret access key is not printed: the command reads it from the
 * credentials file (0600) or from `MINIO_ROOT_PASSWORD`.
 */
export function awsCliCommand(options: {
  endpoint: string;
  region: string;
  caFile: string;
  credentials: CredentialSource;
}): string {
  const { credentials } = options;
  const keys =
    credentials.kind === 'environment'
      ? ['AWS_ACCESS_KEY_ID="$MINIO_ROOT_USER"', 'AWS_SECRET_ACCESS_KEY="$MINIO_ROOT_PASSWORD"']
      : [
          `AWS_ACCESS_KEY_ID=${shellQuote(credentials.accessKeyId)}`,
          `AWS_SECRET_ACCESS_KEY="$(node -p 'require(process.argv[1]).secretAccessKey' ${shellQuote(credentials.path)})"`,
        ];
  return [
    ...keys,
    `AWS_DEFAULT_REGION=${shellQuote(options.region)}`,
    `AWS_CA_BUNDLE=${shellQuote(options.caFile)}`,
    `aws --endpoint-url ${options.endpoint} s3api create-bucket --bucket demo`,
  ].join(' ');
}

/** Quotes a word for a POSIX shell, leaving it bare when it has no special characters. */
export function shellQuote(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Joins the lines of a message into one. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
