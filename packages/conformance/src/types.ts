/** The shapes shared by the conformance cases, the suite and the runner adapters. */

import type { ConnectorCapabilities, KMS } from '@kmskit/core';

/**
 * A predicate over a connector's capabilities that decides whether a case applies. Its
 * `description` names what it needs, for the skip reason.
 */
export interface CapabilityRequirement {
  (capabilities: ConnectorCapabilities): boolean;
  /** The needed capabilities in words, such as `createKey and listKeys`. */
  readonly description?: string;
}

/** One conformance case. Cases assert with `node:assert/strict` and never depend on a runner. */
export interface ConformanceCase {
  /** A stable id, `kms.<area>.<name>`, used to skip the case and in reports. */
  readonly id: `kms.${string}.${string}`;
  /** A short title; test runners show `[<suite name>] <title>`. */
  readonly title: string;
  /** Capabilities the case needs; it is skipped with a reason when they are missing. */
  readonly requires?: CapabilityRequirement;
  /** Runs the case. A thrown error fails it; `context.skip(reason)` skips it. */
  run(context: ConformanceContext): Promise<void>;
}

/** The argument of a case: a fresh `KMS` and helpers that create and clean up its keys. */
export interface ConformanceContext {
  /** The client under test, created for this case alone. */
  readonly kms: KMS;
  /** The capabilities in effect: the connector's, with the suite's overrides applied. */
  readonly capabilities: ConnectorCapabilities;
  /** The id of the running case. */
  readonly caseId: string;
  /** Key material that must never appear in any output (from the suite's `secrets`). */
  readonly secrets: readonly Uint8Array[];
  /**
   * Returns a key name no other case or run uses: `kc-<random>-<label>`, at most 80 characters of
   * `0-9 A-Z a-z _ -`, so every connector accepts it.
   */
  uniqueName(label?: string): string;
  /**
   * Returns a key that the case may use. It is a new key, deleted after the case, when the
   * connector can create keys, and the default key otherwise.
   */
  key(label?: string): Promise<string>;
  /** Creates a key through the `KMS` and deletes it after the case, when deletion is supported. */
  createKey(name: string): Promise<void>;
  /** Registers a function that runs after the case, in reverse order of registration. */
  defer(cleanup: () => unknown): void;
  /** Ends the case as skipped with the given reason. */
  skip(reason: string): never;
}

/** A `KMS` for one case, and what to do when the case is over. */
export interface ConformanceTarget {
  kms: KMS;
  /** Runs after the case. When absent, `kms.close()` runs instead. */
  cleanup?: () => unknown;
}

/** Options of `defineConformanceSuite`. */
export interface ConformanceSuiteOptions {
  /** The connector's name, shown in test names as `[<name>] <title>`. */
  name: string;
  /**
   * Creates a new `KMS` for each case, or the target that contains one. Each case gets its own, so
   * metrics start from zero and cancellations cannot affect other cases.
   */
  createKms: () => Promise<KMS | ConformanceTarget> | KMS | ConformanceTarget;
  /** Capabilities that replace the connector's own flags, for example to test fewer features. */
  capabilities?: Partial<ConnectorCapabilities>;
  /** Cases to skip, by id, with the reason a report prints. */
  skip?: Readonly<Record<string, string>>;
  /**
   * Key material the connector holds, such as a master key or an API key. Cases check that none
   * of it appears in messages, `util.inspect` or `JSON.stringify` output.
   */
  secrets?: ReadonlyArray<Uint8Array | string>;
  /** Time limit of each case in milliseconds, passed to the test runner. @default 30000 */
  timeoutMs?: number;
  /** The cases to run. @default conformanceCases, every case of this package */
  cases?: readonly ConformanceCase[];
}

/** The outcome of a case. */
export type CaseResult =
  | { status: 'passed'; durationMs: number }
  | { status: 'skipped'; reason: string; durationMs: number }
  | { status: 'failed'; error: unknown; durationMs: number };
