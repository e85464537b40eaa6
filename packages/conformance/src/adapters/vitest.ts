/** Runs a suite under vitest, with vitest's functions passed in so this package does not import it. */

import type { ConformanceSuite } from '../suite.js';

/** The part of a vitest test context the adapter uses. */
export interface VitestTestContext {
  skip(note?: string): void;
}

/** The vitest functions the adapter needs: pass `{ describe, it }` from `vitest`. */
export interface VitestFunctions {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: (context: VitestTestContext) => Promise<void>, timeout?: number): unknown;
}

/**
 * Registers one vitest test per case inside a `describe` block named after the suite. A skipped
 * case calls `context.skip(reason)`, so vitest reports it as skipped with the reason as its note.
 *
 * @example
 * import { describe, it } from 'vitest';
 * runWithVitest({ describe, it }, suite);
 */
export function runWithVitest(vitest: VitestFunctions, suite: ConformanceSuite): void {
  vitest.describe(`${suite.name} conformance`, () => {
    for (const suiteCase of suite.cases) {
      vitest.it(
        suiteCase.testName,
        async (context) => {
          const result = await suiteCase.run();
          if (result.status === 'failed') throw result.error;
          if (result.status === 'skipped') context.skip(`${suiteCase.id}: ${result.reason}`);
        },
        suite.timeoutMs,
      );
    }
  });
}
