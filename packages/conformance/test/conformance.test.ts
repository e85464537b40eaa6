import { createKMS } from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import {
  conformanceCases,
  defineConformanceSuite,
  formatConformanceReport,
  runConformanceSuite,
} from '../src/index.js';
import { brokenConnectors } from './broken-connectors.js';
import { MemoryConnector } from './memory-connector.js';

describe('reference connector', () => {
  it('passes every case', async () => {
    const suite = defineConformanceSuite({
      name: 'memory',
      createKms: () =>
        createKMS({ connector: new MemoryConnector({ defaultKeyId: 'default-key' }) }),
    });
    const report = await runConformanceSuite(suite);
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    // The memory connector has no key versions and supports every optional operation.
    const skipped = report.results.filter((result) => result.status === 'skipped');
    expect(skipped.map((result) => result.id)).toEqual([
      'kms.generate.key-version',
      'kms.keys.unsupported-operations',
    ]);
    expect(report.passed).toBe(conformanceCases.length - 2);
  });

  it('skips when capabilities are missing', async () => {
    const suite = defineConformanceSuite({
      name: 'memory-read-only',
      createKms: () =>
        createKMS({ connector: new MemoryConnector({ defaultKeyId: 'default-key' }) }),
      capabilities: { createKey: false, deleteKey: false, listKeys: false, mac: false },
    });
    const report = await runConformanceSuite(suite);
    expect(report.failed, formatConformanceReport(report)).toBe(0);
    const skipped = report.results.filter((result) => result.status === 'skipped');
    const reasons = Object.fromEntries(
      skipped.map((result) => [result.id, result.status === 'skipped' ? result.reason : '']),
    );
    expect(reasons['kms.keys.create-existing']).toBe('the connector does not support createKey');
    expect(reasons['kms.keys.list-pagination']).toBe(
      'the connector does not support createKey and listKeys',
    );
    expect(reasons['kms.mac.deterministic']).toBe('the connector does not support mac');
    expect(formatConformanceReport(report)).toContain(
      'skip  kms.mac.unknown-key: the connector does not support mac',
    );
  });
});

describe('broken connectors', () => {
  for (const broken of brokenConnectors) {
    it(`catches ${broken.fault}`, async () => {
      const suite = defineConformanceSuite({
        name: broken.fault,
        createKms: () => createKMS({ connector: broken.create() }),
        secrets: broken.secrets,
      });
      const report = await runConformanceSuite(suite, { only: broken.caughtBy });
      expect(report.results.map((result) => result.id).sort()).toEqual([...broken.caughtBy].sort());
      for (const result of report.results) {
        expect(result.status, `${result.id} must fail for ${broken.fault}`).toBe('failed');
      }
    });
  }

  it('counts the broken connectors', () => {
    expect(brokenConnectors).toHaveLength(15);
  });
});
