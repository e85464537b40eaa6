/**
 * The input and output of a command: output streams, environment variables and a stop signal. The
 * `kmskit` binary passes the process's; tests pass their own to run commands in-process.
 */

import type { Env } from '@kmskit/core';

/** A text stream such as `process.stdout`. */
export interface CliStream {
  /** Writes text, or bytes for the binary output of `kmskit decrypt --out -`. */
  write(chunk: string | Uint8Array): unknown;
  /** True when the stream is a terminal; enables progress output on stderr. */
  isTTY?: boolean;
  /** Terminal width in columns, when known. */
  columns?: number;
}

/** The streams, environment and stop signal a `kmskit` run uses. */
export interface CliIo {
  /** Command output. */
  stdout: CliStream;
  /** Errors, warnings, notices and progress. */
  stderr: CliStream;
  /** Environment variables, `process.env` for the binary. */
  env: Env;
  /** Stops long-running commands (`dev-server`); the binary aborts it on SIGINT and SIGTERM. */
  signal?: AbortSignal;
}

/** Writes a command's result as text lines or as one JSON document, as `--json` selects. */
export class Output {
  readonly io: CliIo;
  readonly json: boolean;

  constructor(io: CliIo, json: boolean) {
    this.io = io;
    this.json = json;
  }

  /** Writes one line of text to stdout. */
  line(text = ''): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** Writes a JSON document to stdout, indented by two spaces. */
  document(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Writes `kmskit: <text>` to stderr: notices and warnings that are not the result. */
  notice(text: string): void {
    this.io.stderr.write(`kmskit: ${text}\n`);
  }
}
