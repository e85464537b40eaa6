import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const VITEST = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);

/** The tests that write CA and API key files into temporary directories. */
const FILE_TESTS = ['test/minkms-env.test.ts', 'test/minkms-connector.test.ts'];
const FILE_TEST_NAMES =
  'reads the API key from a file|creates a working KMS from the environment|trusts a CA file and directory|rejects a CA path without certificates';

describe('temporary files of the tests', () => {
  const temporary = mkdtempSync(join(tmpdir(), 'kmskit-minkms-tmpdir-'));
  afterAll(() => rmSync(temporary, { recursive: true, force: true }));

  it('file tests remove their directories', async () => {
    // Run the tests that create files in a child vitest whose TMPDIR is empty, and look at what
    // remains in it. The VITEST_* variables of this run would confuse the child.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')),
    );
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [VITEST, 'run', ...FILE_TESTS, '-t', FILE_TEST_NAMES, '--reporter=dot'],
        { cwd: PACKAGE_ROOT, env: { ...env, TMPDIR: temporary }, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
          resolve({ code, output: `${stdout}${stderr}` });
        },
      );
    });

    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/Tests\s+.*4 passed/);
    expect(readdirSync(temporary)).toEqual([]);
  });
});
