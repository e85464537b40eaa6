import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type FailureRecord, replayFailure, TARGETS, targetNamed } from '../src/index.js';

const folder = fileURLToPath(new URL('../failures/', import.meta.url));
const files = readdirSync(folder)
  .filter((name) => name.endsWith('.json'))
  .sort();

describe('recorded fuzz failures', () => {
  it('name known targets', () => {
    for (const file of files) {
      const record = JSON.parse(readFileSync(`${folder}${file}`, 'utf8')) as FailureRecord;
      expect(targetNamed(record.target), file).toBeDefined();
      expect(file.startsWith(`${record.target}-`)).toBe(true);
    }
    expect(TARGETS.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`replays ${file}`, async () => {
      const record = JSON.parse(readFileSync(`${folder}${file}`, 'utf8')) as FailureRecord;
      const target = targetNamed(record.target)!;
      await target.setup?.();
      try {
        await replayFailure(target, record);
      } finally {
        await target.teardown?.();
      }
    });
  }
});
