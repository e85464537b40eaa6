/** Suites: the cases bound to one connector's `createKms`, runnable with or without a runner. */

import { conformanceCases } from './cases/index.js';
import { runCase } from './harness.js';
import type { CaseResult, ConformanceCase, ConformanceSuiteOptions } from './types.js';

/** One case of a suite, ready to run. */
export interface SuiteCase {
  /** The case id, such as `kms.generate.round-trip`. */
  readonly id: string;
  /** The case title. */
  readonly title: string;
  /** The name test runners show: `[<suite name>] <title>`. */
  readonly testName: string;
  /** Runs the case against a new `KMS`. Never throws: failures are results. */
  run(): Promise<CaseResult>;
}

/** A connector's conformance suite. Pass it to `runWithVitest`, `runWithNodeTest` or `runConformanceSuite`. */
export interface ConformanceSuite {
  /** The connector's name. */
  readonly name: string;
  /** Time limit of each case in milliseconds. */
  readonly timeoutMs: number;
  /** The cases, in report order. */
  readonly cases: readonly SuiteCase[];
}

/** The result of one case in a report. */
export type CaseReport = { id: string; title: string } & CaseResult;

/** The results of a whole suite. */
export interface ConformanceReport {
  /** The connector's name. */
  name: string;
  /** One entry per case, in order. */
  results: CaseReport[];
  /** Number of passed cases. */
  passed: number;
  /** Number of failed cases. */
  failed: number;
  /** Number of skipped cases. */
  skipped: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const CASE_ID = /^kms\.[a-z0-9-]+\.[a-z0-9-]+$/;

/**
 * Binds the conformance cases to a connector.
 *
 * @throws {TypeError} when an option is malformed, a case id is malformed or repeated, or `skip`
 *   names a case that does not exist (a typo would otherwise run the case).
 * @example
 * const suite = defineConformanceSuite({
 *   name: 'builtin',
 *   createKms: () => createKMS({ connector: createBuiltinConnector({ secretKey }) }),
 *   skip: { 'kms.mac.unknown-key': 'MinIO computes the builtin MAC for any key name' },
 * });
 */
export function defineConformanceSuite(options: ConformanceSuiteOptions): ConformanceSuite {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'defineConformanceSuite: options must be an object with `name` and `createKms`',
    );
  }
  if (typeof options.name !== 'string' || options.name === '') {
    throw new TypeError('defineConformanceSuite: option `name` must be a non-empty string');
  }
  if (typeof options.createKms !== 'function') {
    throw new TypeError(
      'defineConformanceSuite: option `createKms` must be a function returning a KMS',
    );
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(
      `defineConformanceSuite: option \`timeoutMs\` must be a positive number of milliseconds, got ${timeoutMs}`,
    );
  }
  const cases = options.cases ?? conformanceCases;
  checkCases(cases, options.skip ?? {});

  return {
    name: options.name,
    timeoutMs,
    cases: cases.map((testCase) => ({
      id: testCase.id,
      title: testCase.title,
      testName: `[${options.name}] ${testCase.title}`,
      run: () => runCase(testCase, options),
    })),
  };
}

/**
 * Runs a suite without a test runner, one case after another, and returns the report.
 *
 * @param only ids of the cases to run; all when absent.
 */
export async function runConformanceSuite(
  suite: ConformanceSuite,
  options: { only?: readonly string[] } = {},
): Promise<ConformanceReport> {
  const report: ConformanceReport = {
    name: suite.name,
    results: [],
    passed: 0,
    failed: 0,
    skipped: 0,
  };
  for (const suiteCase of suite.cases) {
    if (options.only && !options.only.includes(suiteCase.id)) continue;
    const result = await suiteCase.run();
    report.results.push({ id: suiteCase.id, title: suiteCase.title, ...result });
    report[result.status]++;
  }
  return report;
}

/** Formats a report as text: one line per case, with the reason of each skip and failure. */
export function formatConformanceReport(report: ConformanceReport): string {
  const lines = [
    `conformance of ${report.name}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`,
  ];
  for (const result of report.results) {
    if (result.status === 'passed') lines.push(`  pass  ${result.id}`);
    if (result.status === 'skipped') lines.push(`  skip  ${result.id}: ${result.reason}`);
    if (result.status === 'failed') lines.push(`  FAIL  ${result.id}: ${messageOf(result.error)}`);
  }
  return lines.join('\n');
}

function checkCases(
  cases: readonly ConformanceCase[],
  skip: Readonly<Record<string, string>>,
): void {
  const ids = new Set<string>();
  for (const testCase of cases) {
    if (!CASE_ID.test(testCase.id)) {
      throw new TypeError(
        `invalid conformance case id '${testCase.id}': use kms.<area>.<name> in lowercase letters, digits and '-'`,
      );
    }
    if (ids.has(testCase.id))
      throw new TypeError(`conformance case id '${testCase.id}' is used twice`);
    ids.add(testCase.id);
  }
  for (const [id, reason] of Object.entries(skip)) {
    if (!ids.has(id)) {
      throw new TypeError(
        `defineConformanceSuite: option \`skip\` names unknown case '${id}': check the id`,
      );
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new TypeError(`defineConformanceSuite: the skip of '${id}' needs a reason`);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
