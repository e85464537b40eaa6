/**
 * Failure reporting of the command: one line on stderr, `kmskit: <message>`, and an exit status of
 * 2 for usage errors and 1 for everything else. No stack trace ever reaches the terminal.
 */

import { KmsConfigurationError, KmsError } from '@kmskit/core';
import { DareError, S3Error } from '@kmskit/s3-sse-adapter';

/** Exit statuses of `kmskit`. */
export const EXIT_CODES = {
  /** The command did what it was asked. */
  success: 0,
  /** The KMS, the configuration, a file or a demo step failed. */
  failure: 1,
  /** The command line is invalid: unknown command or option, missing or malformed argument. */
  usage: 2,
} as const;

/** An invalid command line. Its message names the fault and how to get help. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure that has been explained already (for example a demo step printed as FAILED). */
export class ReportedFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportedFailure';
  }
}

/** Returns the exit status for an error thrown by a command. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError ? EXIT_CODES.usage : EXIT_CODES.failure;
}

/**
 * Formats an error as one line without the `kmskit: ` prefix. KMS, S3 and DARE errors get their
 * code appended, so scripts and people can look it up; line breaks inside a message become spaces.
 */
export function describeError(error: unknown): string {
  let text: string;
  if (S3Error.isInstance(error) && error.detail) {
    // The S3 message is the one sent to S3 clients; the detail names the value and the fix.
    text = `${error.message.replace(/\.$/, '')}: ${error.detail} (${error.code})`;
  } else if (
    KmsError.isInstance(error) ||
    S3Error.isInstance(error) ||
    DareError.isInstance(error)
  ) {
    text = `${error.message} (${error.code})`;
  } else if (error instanceof KmsConfigurationError || isConfigurationError(error)) {
    text = `invalid KMS configuration: ${(error as Error).message}`;
  } else if (error instanceof Error) {
    text = error.message || error.name;
  } else {
    text = String(error);
  }
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function isConfigurationError(error: unknown): boolean {
  return error instanceof Error && error.name === 'KmsConfigurationError';
}
