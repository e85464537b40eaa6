import { describe, expect, it } from 'vitest';
import { runTarget, TARGETS } from '../src/index.js';

/** A fixed seed: every run tries the same inputs, so a failure here reproduces. */
const SEED = 20_261_204;

describe('fuzz targets, seeded', () => {
  it('lists every target once', () => {
    const names = TARGETS.map((target) => target.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(16);
  });

  for (const target of TARGETS) {
    it(`${target.name} holds`, async () => {
      const report = await runTarget(target, { seed: SEED, numRuns: target.seededRuns });
      expect(report.failure, JSON.stringify(report.failure, null, 2)).toBeUndefined();
      expect(report.numRuns).toBe(target.seededRuns);
    });
  }
});
