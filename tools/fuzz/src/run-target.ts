/** Runs one target through fast-check, for the seeded tests and the long `npm run fuzz` runs. */

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, UnexpectedOutcome, withinTime } from './outcome.js';
import { fromSerializable, toSerializable } from './serialize.js';
import type { FuzzTarget } from './target.js';

/** Options of `runTarget`. */
export interface RunOptions {
  /** The fast-check seed. */
  seed: number;
  /** How many inputs to try. */
  numRuns: number;
  /** Calls `setup`/`teardown` around the run. @default true */
  manageSetup?: boolean;
  /** Stops generating (and shrinking) after this many milliseconds. @default no limit */
  timeLimitMs?: number;
  /** Called after every input, for progress reports. */
  onInput?(count: number): void;
}

/** The outcome of one run. */
export interface RunReport {
  target: string;
  seed: number;
  numRuns: number;
  durationMs: number;
  /** The time limit ended the run early. */
  interrupted: boolean;
  failure?: FailureRecord;
}

/** What a failure file holds: enough to replay the input without fast-check. */
export interface FailureRecord {
  target: string;
  seed: number;
  path: string;
  error: string;
  /** The shrunk input, in the tagged JSON of `toSerializable`. */
  input: unknown;
}

/** Runs `check` once on an input, bounded in time when it is async. */
export async function checkOnce<T>(target: FuzzTarget<T>, input: T): Promise<void> {
  const timeoutMs = target.timeoutMs ?? 5_000;
  const started = performance.now();
  const result = target.check(input);
  if (result instanceof Promise) {
    await withinTime(result, timeoutMs, `${target.name} check`);
  } else if (performance.now() - started > timeoutMs) {
    throw new UnexpectedOutcome(`${target.name} check took more than ${timeoutMs} ms`);
  }
}

/** Runs a target on `numRuns` generated inputs and reports the first (shrunk) failure. */
export async function runTarget<T>(target: FuzzTarget<T>, options: RunOptions): Promise<RunReport> {
  const manage = options.manageSetup ?? true;
  if (manage) await target.setup?.();
  const started = performance.now();
  try {
    let count = 0;
    const property = fc.asyncProperty(target.arbitrary, async (input) => {
      options.onInput?.(++count);
      await checkOnce(target, input);
    });
    const details = await fc.check(property, {
      seed: options.seed,
      numRuns: options.numRuns,
      ...(options.timeLimitMs === undefined
        ? {}
        : { interruptAfterTimeLimit: options.timeLimitMs }),
    });
    const report: RunReport = {
      target: target.name,
      seed: options.seed,
      numRuns: details.numRuns,
      interrupted: details.interrupted,
      durationMs: Math.round(performance.now() - started),
    };
    if (details.failed && details.counterexample) {
      report.failure = {
        target: target.name,
        seed: details.seed,
        path: details.counterexamplePath ?? '',
        error: describe(details.errorInstance) + causeOf(details.errorInstance),
        input: toSerializable(details.counterexample[0]),
      };
    }
    return report;
  } finally {
    if (manage) await target.teardown?.();
  }
}

/** A short content hash of a failure's input, for its file name. */
export function failureHash(failure: FailureRecord): string {
  return createHash('sha256').update(JSON.stringify(failure.input)).digest('hex').slice(0, 12);
}

/** Replays a failure record's input through its target. */
export async function replayFailure<T>(
  target: FuzzTarget<T>,
  failure: FailureRecord,
): Promise<void> {
  await checkOnce(target, fromSerializable(failure.input) as T);
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  return cause === undefined ? '' : ` (cause: ${describe(cause)})`;
}
