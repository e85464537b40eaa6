/** Runs one conformance case: a fresh `KMS`, the capability check, the case, then cleanup. */

import { randomBytes } from 'node:crypto';
import { type ConnectorCapabilities, KeyNotFoundError, type KMS } from '@kmskit/core';
import { unmetReason } from './requirements.js';
import type {
  CaseResult,
  ConformanceCase,
  ConformanceContext,
  ConformanceSuiteOptions,
  ConformanceTarget,
} from './types.js';

/** Thrown by `context.skip` and turned into a skipped result. */
class CaseSkipped extends Error {
  constructor(readonly reason: string) {
    super(`skipped: ${reason}`);
    this.name = 'CaseSkipped';
  }
}

const MAX_NAME_LENGTH = 80;

/**
 * Runs a case against a new `KMS` from the suite options and reports how it ended. Never
 * throws: a failure is a `failed` result carrying the error.
 */
export async function runCase(
  testCase: ConformanceCase,
  options: ConformanceSuiteOptions,
): Promise<CaseResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const skipReason = options.skip?.[testCase.id];
  if (skipReason !== undefined) return { status: 'skipped', reason: skipReason, durationMs: 0 };

  let target: ConformanceTarget;
  try {
    target = toTarget(await options.createKms());
  } catch (error) {
    return { status: 'failed', error, durationMs: elapsed() };
  }
  const capabilities: ConnectorCapabilities = {
    ...target.kms.capabilities,
    ...options.capabilities,
  };
  const cleanups: Array<() => unknown> = [];
  let result: CaseResult;

  try {
    if (testCase.requires && !testCase.requires(capabilities)) {
      result = { status: 'skipped', reason: unmetReason(testCase.requires), durationMs: 0 };
    } else {
      const context = createContext(testCase, target.kms, capabilities, options, cleanups);
      await testCase.run(context);
      result = { status: 'passed', durationMs: elapsed() };
    }
  } catch (error) {
    result =
      error instanceof CaseSkipped
        ? { status: 'skipped', reason: error.reason, durationMs: elapsed() }
        : { status: 'failed', error, durationMs: elapsed() };
  }

  const cleanupError = await runCleanups(cleanups, target);
  if (cleanupError !== undefined && result.status !== 'failed') {
    const error = new Error(`cleanup after ${testCase.id} failed: ${describe(cleanupError)}`, {
      cause: cleanupError,
    });
    return { status: 'failed', error, durationMs: elapsed() };
  }
  return result;
}

function createContext(
  testCase: ConformanceCase,
  kms: KMS,
  capabilities: ConnectorCapabilities,
  options: ConformanceSuiteOptions,
  cleanups: Array<() => unknown>,
): ConformanceContext {
  const secrets = (options.secrets ?? []).map((secret) =>
    typeof secret === 'string' ? new TextEncoder().encode(secret) : secret,
  );
  const context: ConformanceContext = {
    kms,
    capabilities,
    caseId: testCase.id,
    secrets,
    uniqueName: (label = '') => uniqueName(label),
    async key(label = 'key') {
      if (capabilities.createKey) {
        const name = uniqueName(label);
        await context.createKey(name);
        return name;
      }
      if (kms.defaultKeyId === '') {
        return context.skip('the connector cannot create keys and has no default key');
      }
      return kms.defaultKeyId;
    },
    async createKey(name) {
      await kms.createKey({ name });
      if (capabilities.deleteKey) {
        cleanups.push(async () => {
          try {
            await kms.deleteKey({ name });
          } catch (error) {
            // The case may have deleted the key itself.
            if (!KeyNotFoundError.isInstance(error)) throw error;
          }
        });
      }
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    skip(reason): never {
      throw new CaseSkipped(reason);
    },
  };
  return context;
}

/** Runs the cleanups in reverse order, then the target's; returns the first error. */
async function runCleanups(
  cleanups: Array<() => unknown>,
  target: ConformanceTarget,
): Promise<unknown> {
  let first: unknown;
  const steps = [...cleanups].reverse();
  steps.push(target.cleanup ?? (() => target.kms.close()));
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      first ??= error;
    }
  }
  return first;
}

function toTarget(value: KMS | ConformanceTarget): ConformanceTarget {
  if (value && typeof value === 'object' && 'kms' in value && value.kms) {
    return value as ConformanceTarget;
  }
  return { kms: value as KMS };
}

function uniqueName(label: string): string {
  const safe = label.replace(/[^0-9A-Za-z_-]/g, '-');
  const name = `kc-${randomBytes(6).toString('hex')}${safe ? `-${safe}` : ''}`;
  return name.slice(0, MAX_NAME_LENGTH).replace(/-+$/, '');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
