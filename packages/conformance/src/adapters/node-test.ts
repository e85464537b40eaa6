/** Runs a suite under `node:test`, with its functions passed in. */

import type { ConformanceSuite } from '../suite.js';

/** The part of a `node:test` test context the adapter uses. */
export interface NodeTestContext {
  skip(message?: string): void;
}

/** The `node:test` functions the adapter needs: pass the module or `{ describe, it }`. */
export interface NodeTestFunctions {
  describe(name: string, body: () => void): unknown;
  it(
    name: string,
    options: { timeout?: number },
    body: (context: NodeTestContext) => Promise<void>,
  ): unknown;
}

/**
 * Registers one `node:test` test per case inside a `describe` block named after the suite. A
 * skipped case calls `t.skip(reason)`, which reporters print as `# SKIP <reason>`.
 *
 * @example
 * import * as nodeTest from 'node:test';
 * runWithNodeTest(nodeTest, suite);
 */
export function runWithNodeTest(nodeTest: NodeTestFunctions, suite: ConformanceSuite): void {
  nodeTest.describe(`${suite.name} conformance`, () => {
    for (const suiteCase of suite.cases) {
      nodeTest.it(suiteCase.testName, { timeout: suite.timeoutMs }, async (context) => {
        const result = await suiteCase.run();
        if (result.status === 'failed') throw result.error;
        if (result.status === 'skipped') context.skip(`${suiteCase.id}: ${result.reason}`);
      });
    }
  });
}
