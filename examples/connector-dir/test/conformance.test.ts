import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defineConformanceSuite,
  formatConformanceReport,
  runConformanceSuite,
  runWithVitest,
} from '@kmskit/conformance';
import { createKMS } from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import { createDirConnector } from '../src/index.js';

const DEFAULT_KEY = 'default-key';
/** Master keys of every directory made for the suite, so no case may show them. */
const secrets: Uint8Array[] = [];

/** Creates a key directory with a default key, removed after the case. */
async function createTarget() {
  const directory = mkdtempSync(join(tmpdir(), 'kmskit-dir-conformance-'));
  const connector = createDirConnector({ directory, defaultKeyId: DEFAULT_KEY });
  await connector.createKey({ name: DEFAULT_KEY }, { signal: new AbortController().signal });
  const keyFile = join(directory, `${Buffer.from(DEFAULT_KEY).toString('hex')}.key`);
  secrets.push(new Uint8Array(readFileSync(keyFile)));
  return {
    kms: createKMS({ connector }),
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}

const suite = defineConformanceSuite({ name: 'dir', createKms: createTarget, secrets });

runWithVitest({ describe, it }, suite);

describe('dir conformance report', () => {
  it('runs every applicable case', async () => {
    const report = await runConformanceSuite(suite);
    const text = formatConformanceReport(report);
    expect(report.failed, text).toBe(0);
    const skipped = report.results.filter((result) => result.status === 'skipped');
    // The connector has no key versions, and it supports every optional operation, so the case
    // for unsupported operations has nothing to check. Every other case, including creating,
    // deleting and listing keys, runs.
    expect(skipped.map((result) => result.id)).toEqual([
      'kms.generate.key-version',
      'kms.keys.unsupported-operations',
    ]);
    expect(report.passed).toBe(suite.cases.length - 2);
    expect(report.results.find((r) => r.id === 'kms.keys.list-pagination')?.status).toBe('passed');
    expect(report.results.find((r) => r.id === 'kms.keys.delete-then-use')?.status).toBe('passed');
  });
});
