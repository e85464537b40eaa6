import { createKMS, type KMS } from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import {
  type ConformanceCase,
  defineConformanceSuite,
  formatConformanceReport,
  needs,
  runConformanceSuite,
  runWithNodeTest,
  runWithVitest,
} from '../src/index.js';
import { MemoryConnector } from './memory-connector.js';

function memoryKms(): KMS {
  return createKMS({ connector: new MemoryConnector({ defaultKeyId: 'default-key' }) });
}

const passing: ConformanceCase = {
  id: 'kms.test.passing',
  title: 'passes',
  async run() {},
};
const failing: ConformanceCase = {
  id: 'kms.test.failing',
  title: 'fails',
  async run() {
    throw new Error('case failed on purpose');
  },
};
const skipping: ConformanceCase = {
  id: 'kms.test.skipping',
  title: 'skips itself',
  async run({ skip }) {
    skip('nothing to check here');
  },
};
const needsVersions: ConformanceCase = {
  id: 'kms.test.versions',
  title: 'needs key versions',
  requires: needs('keyVersions'),
  async run() {
    throw new Error('must not run');
  },
};

describe('suite options', () => {
  it('rejects malformed options', () => {
    const define = (options: unknown) => () => defineConformanceSuite(options as never);
    expect(define(undefined)).toThrow(TypeError);
    expect(define({ name: '', createKms: memoryKms })).toThrow(/`name` must be a non-empty/);
    expect(define({ name: 'x' })).toThrow(/`createKms` must be a function/);
    expect(define({ name: 'x', createKms: memoryKms, timeoutMs: 0 })).toThrow(RangeError);
    expect(define({ name: 'x', createKms: memoryKms, skip: { 'kms.nope.case': 'r' } })).toThrow(
      /unknown case 'kms.nope.case'/,
    );
    expect(
      define({ name: 'x', createKms: memoryKms, skip: { 'kms.generate.round-trip': ' ' } }),
    ).toThrow(/needs a reason/);
    expect(define({ name: 'x', createKms: memoryKms, cases: [passing, passing] })).toThrow(
      /used twice/,
    );
    expect(
      define({ name: 'x', createKms: memoryKms, cases: [{ ...passing, id: 'generate' }] }),
    ).toThrow(/invalid conformance case id 'generate'/);
  });

  it('names tests after the connector', () => {
    const suite = defineConformanceSuite({ name: 'memory', createKms: memoryKms });
    expect(suite.cases[0]!.testName).toBe('[memory] generates unique 32-byte data keys');
    expect(suite.timeoutMs).toBe(30_000);
  });
});

describe('suite results', () => {
  it('reports pass, fail and skips', async () => {
    const suite = defineConformanceSuite({
      name: 'memory',
      createKms: memoryKms,
      cases: [passing, failing, skipping, needsVersions],
    });
    const report = await runConformanceSuite(suite);
    expect(report.passed).toBe(1);
    expect(report.failed).toBe(1);
    expect(report.skipped).toBe(2);
    const text = formatConformanceReport(report);
    expect(text).toContain('conformance of memory: 1 passed, 1 failed, 2 skipped');
    expect(text).toContain('pass  kms.test.passing');
    expect(text).toContain('FAIL  kms.test.failing: case failed on purpose');
    expect(text).toContain('skip  kms.test.skipping: nothing to check here');
    expect(text).toContain('skip  kms.test.versions: the connector does not support keyVersions');
  });

  it('skips listed cases without a KMS', async () => {
    let created = 0;
    const suite = defineConformanceSuite({
      name: 'memory',
      createKms: () => {
        created++;
        return memoryKms();
      },
      cases: [failing],
      skip: { 'kms.test.failing': 'known gap of this connector' },
    });
    const report = await runConformanceSuite(suite);
    expect(report.results[0]).toMatchObject({
      status: 'skipped',
      reason: 'known gap of this connector',
    });
    expect(created).toBe(0);
  });

  it('fails when createKms throws', async () => {
    const suite = defineConformanceSuite({
      name: 'broken',
      createKms: () => {
        throw new Error('no server');
      },
      cases: [passing],
    });
    const [result] = (await runConformanceSuite(suite)).results;
    expect(result!.status).toBe('failed');
  });

  it('cleans up keys and targets', async () => {
    const connector = new MemoryConnector();
    const closed: string[] = [];
    let created = '';
    const suite = defineConformanceSuite({
      name: 'memory',
      createKms: () => ({
        kms: createKMS({ connector }),
        cleanup: () => closed.push('target'),
      }),
      cases: [
        {
          id: 'kms.test.keys',
          title: 'creates a key',
          async run({ key, defer }) {
            created = await key('cleanup');
            defer(() => closed.push('deferred'));
          },
        },
      ],
    });
    const report = await runConformanceSuite(suite);
    expect(report.passed).toBe(1);
    expect(created).toMatch(/^kc-[0-9a-f]{12}-cleanup$/);
    const page = await connector.listKeys(
      { prefix: '', continueAt: '', limit: 0 },
      { signal: new AbortController().signal },
    );
    expect(page.names).toEqual([]);
    expect(closed).toEqual(['deferred', 'target']);
  });

  it('fails on a cleanup error', async () => {
    const suite = defineConformanceSuite({
      name: 'memory',
      createKms: memoryKms,
      cases: [
        {
          id: 'kms.test.cleanup',
          title: 'cleanup throws',
          async run({ defer }) {
            defer(() => {
              throw new Error('delete failed');
            });
          },
        },
      ],
    });
    const [result] = (await runConformanceSuite(suite)).results;
    expect(result!.status).toBe('failed');
    expect(formatConformanceReport(await runConformanceSuite(suite))).toContain(
      'cleanup after kms.test.cleanup failed: delete failed',
    );
  });
});

describe('runner adapters', () => {
  function recordingRunner() {
    const registered: Array<{
      name: string;
      body: (context: never) => Promise<void>;
      timeout?: number;
    }> = [];
    const groups: string[] = [];
    const describeFn = (name: string, body: () => void) => {
      groups.push(name);
      body();
    };
    return { registered, groups, describeFn };
  }

  async function runRegistered(
    registered: ReturnType<typeof recordingRunner>['registered'],
  ): Promise<Array<{ name: string; skipped?: string; error?: unknown }>> {
    const outcomes: Array<{ name: string; skipped?: string; error?: unknown }> = [];
    for (const test of registered) {
      const outcome: { name: string; skipped?: string; error?: unknown } = { name: test.name };
      const context = {
        skip(note?: string) {
          outcome.skipped = note;
        },
      };
      try {
        await test.body(context as never);
      } catch (error) {
        outcome.error = error;
      }
      outcomes.push(outcome);
    }
    return outcomes;
  }

  const suite = defineConformanceSuite({
    name: 'memory',
    createKms: memoryKms,
    cases: [passing, failing, needsVersions],
    timeoutMs: 5_000,
  });

  it('registers vitest tests', async () => {
    const runner = recordingRunner();
    runWithVitest(
      {
        describe: runner.describeFn,
        it: (name, body, timeout) => runner.registered.push({ name, body, timeout }),
      },
      suite,
    );
    expect(runner.groups).toEqual(['memory conformance']);
    expect(runner.registered.map((test) => test.name)).toEqual([
      '[memory] passes',
      '[memory] fails',
      '[memory] needs key versions',
    ]);
    expect(runner.registered.every((test) => test.timeout === 5_000)).toBe(true);
    const [pass, fail, skip] = await runRegistered(runner.registered);
    expect(pass!.error).toBeUndefined();
    expect((fail!.error as Error).message).toBe('case failed on purpose');
    expect(skip!.skipped).toBe('kms.test.versions: the connector does not support keyVersions');
  });

  it('registers node:test tests', async () => {
    const runner = recordingRunner();
    runWithNodeTest(
      {
        describe: runner.describeFn,
        it: (name, options, body) =>
          runner.registered.push({ name, body, timeout: options.timeout }),
      },
      suite,
    );
    expect(runner.groups).toEqual(['memory conformance']);
    expect(runner.registered).toHaveLength(3);
    expect(runner.registered.every((test) => test.timeout === 5_000)).toBe(true);
    const [pass, fail, skip] = await runRegistered(runner.registered);
    expect(pass!.error).toBeUndefined();
    expect((fail!.error as Error).message).toBe('case failed on purpose');
    expect(skip!.skipped).toBe('kms.test.versions: the connector does not support keyVersions');
  });
});
