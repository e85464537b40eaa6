/** The shape of a fuzz target: an input generator and a check that says what outcomes are allowed. */

import type { Arbitrary } from 'fast-check';

/** One parser or decoder under fuzzing. */
export interface FuzzTarget<T = unknown> {
  /** A kebab-case name, used in failure file names and `--target`. */
  readonly name: string;
  /** Generates inputs. */
  readonly arbitrary: Arbitrary<T>;
  /**
   * Runs the code under test on one input. Returns when the outcome is allowed (a correct result or
   * a typed error) and throws otherwise. Async checks are bounded by `timeoutMs`.
   */
  check(input: T): void | Promise<void>;
  /** Inputs in the seeded test run; network targets use fewer. */
  readonly seededRuns: number;
  /** Time bound of one async check in milliseconds. @default 5000 */
  readonly timeoutMs?: number;
  /** Starts what the target talks to (test servers), once before a run. */
  setup?(): Promise<void>;
  /** Stops what `setup` started. */
  teardown?(): Promise<void>;
}

/** Declares a target with its input type inferred from the arbitrary. */
export function defineTarget<T>(target: FuzzTarget<T>): FuzzTarget<T> {
  return target;
}
