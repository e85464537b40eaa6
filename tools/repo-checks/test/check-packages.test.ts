import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error The script is plain JavaScript without declarations.
import { checkPackages } from '../../../scripts/check-packages.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('check-packages', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'kmskit-check-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('passes on this repository', () => {
    expect(checkPackages(root)).toEqual([]);
  });

  it('reports a broken package', () => {
    const folder = join(scratch, 'packages', 'conn-broken');
    cpSync(join(root, 'packages', 'core', 'package.json'), join(folder, 'package.json'));
    writeFileSync(
      join(folder, 'package.json'),
      JSON.stringify({
        name: '@kmskit/conn-broken',
        exports: { '.': { import: './dist/index.js' } },
        sideEffects: true,
      }),
    );
    const problems: string[] = checkPackages(scratch);
    expect(problems).toContain('packages/conn-broken: `exports["."].types` is missing');
    expect(problems).toContain('packages/conn-broken: `sideEffects` must be false');
    expect(problems).toContain('packages/conn-broken: `engines.node` is missing');
    expect(problems).toContain('packages/conn-broken: README.md is missing');
    expect(problems).toContain(
      'packages/conn-broken: connector package without test/conformance.test.ts',
    );
  });
});
