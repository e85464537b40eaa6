/**
 * The allowed outcomes of a fuzzed call: a correct result or a typed error. Everything else, and
 * every call that runs past its time bound, is a finding.
 */

import { KmsConfigurationError, KmsError } from '@kmskit/core';
import { DareError, S3Error } from '@kmskit/s3-sse-adapter';

/** The kinds of typed error a target may allow. */
export type ErrorKind = 'kms' | 's3' | 'dare' | 'option' | 'config';

/** Thrown when a call ended in a way its target does not allow. */
export class UnexpectedOutcome extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'UnexpectedOutcome';
  }
}

/** Reports whether `error` is one of the typed errors `kinds` names. */
export function isTypedError(error: unknown, kinds: readonly ErrorKind[]): boolean {
  for (const kind of kinds) {
    if (kind === 'kms' && KmsError.isInstance(error)) return true;
    if (kind === 's3' && S3Error.isInstance(error)) return true;
    if (kind === 'dare' && DareError.isInstance(error)) return true;
    if (kind === 'config' && error instanceof KmsConfigurationError) return true;
    if (kind === 'option' && (error instanceof TypeError || error instanceof RangeError)) {
      return true;
    }
  }
  return false;
}

/** Rethrows `error` as an `UnexpectedOutcome` unless it is one of `kinds`. */
export function expectTyped(error: unknown, kinds: readonly ErrorKind[]): void {
  if (isTypedError(error, kinds)) return;
  throw new UnexpectedOutcome(
    `untyped error, expected one of ${kinds.join(', ')}: ${describe(error)}`,
    {
      cause: error,
    },
  );
}

/** Runs `call`; returns its result, or `undefined` after a typed error of `kinds`. */
export function attempt<R>(call: () => R, kinds: readonly ErrorKind[]): R | undefined {
  try {
    return call();
  } catch (error) {
    expectTyped(error, kinds);
    return undefined;
  }
}

/** The async form of `attempt`. */
export async function attemptAsync<R>(
  call: () => Promise<R>,
  kinds: readonly ErrorKind[],
): Promise<R | undefined> {
  try {
    return await call();
  } catch (error) {
    expectTyped(error, kinds);
    return undefined;
  }
}

/** Fails with `UnexpectedOutcome` unless `condition` holds. */
export function ensure(condition: unknown, message: string): asserts condition {
  if (!condition) throw new UnexpectedOutcome(message);
}

/** Rejects with `UnexpectedOutcome` when `promise` does not settle within `ms` milliseconds. */
export async function withinTime<R>(promise: Promise<R>, ms: number, what: string): Promise<R> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnexpectedOutcome(`${what} did not settle within ${ms} ms`)),
      ms,
    );
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A short description of a thrown value for failure reports. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return `non-error ${typeof error}: ${String(error).slice(0, 200)}`;
}

/** Reports whether two byte arrays hold the same bytes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return (
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.length),
      Buffer.from(b.buffer, b.byteOffset, b.length),
    ) === 0
  );
}
