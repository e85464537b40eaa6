export {
  type NodeTestContext,
  type NodeTestFunctions,
  runWithNodeTest,
} from './adapters/node-test.js';
export { runWithVitest, type VitestFunctions, type VitestTestContext } from './adapters/vitest.js';
export {
  assertNoSecrets,
  assertSameBytes,
  type ErrorKind,
  needlesOf,
  rejectsWith,
  rejectsWithKmsError,
} from './assertions.js';
export { conformanceCases } from './cases/index.js';
export { runCase } from './harness.js';
export { type CapabilityFlag, needs, unmetReason } from './requirements.js';
export {
  type CaseReport,
  type ConformanceReport,
  type ConformanceSuite,
  defineConformanceSuite,
  formatConformanceReport,
  runConformanceSuite,
  type SuiteCase,
} from './suite.js';
export type {
  CapabilityRequirement,
  CaseResult,
  ConformanceCase,
  ConformanceContext,
  ConformanceSuiteOptions,
  ConformanceTarget,
} from './types.js';
