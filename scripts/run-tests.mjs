#!/usr/bin/env node
// Runs every workspace's tests through turbo, then prints one summary line that CI reads:
// "N passed, N failed, N skipped", counted from the vitest JSON reports of this run.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function workspaces() {
  const found = [];
  for (const folder of ['packages', 'examples', 'tools']) {
    const directory = join(root, folder);
    if (!existsSync(directory)) continue;
    for (const name of readdirSync(directory).sort()) {
      const manifestPath = join(directory, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      if (manifest.scripts?.test)
        found.push({ name: manifest.name, directory: join(directory, name) });
    }
  }
  return found;
}

const packages = workspaces();
for (const { directory } of packages)
  rmSync(join(directory, 'test-results'), { recursive: true, force: true });

const started = Date.now();
const result = spawnSync(
  join(root, 'node_modules', '.bin', 'turbo'),
  ['run', 'test', '--continue', '--concurrency=2', '--output-logs=full', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const { name, directory } of packages) {
  const report = join(directory, 'test-results', 'vitest.json');
  if (!existsSync(report)) {
    missing.push(name);
    continue;
  }
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  passed += summary.numPassedTests ?? 0;
  failed += summary.numFailedTests ?? 0;
  skipped += (summary.numPendingTests ?? 0) + (summary.numTodoTests ?? 0);
  if (summary.numFailedTestSuites > 0 && (summary.numFailedTests ?? 0) === 0)
    failed += summary.numFailedTestSuites;
}

const seconds = Math.round((Date.now() - started) / 1000);
if (missing.length > 0) process.stdout.write(`\nno test report from: ${missing.join(', ')}\n`);
process.stdout.write(`\ntests took ${seconds} s in ${packages.length} workspaces\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(result.status === 0 && failed === 0 && missing.length === 0 ? 0 : 1);
