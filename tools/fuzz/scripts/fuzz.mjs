#!/usr/bin/env node
// Long fuzz runs on the built targets (`npm run build` first; `npm run fuzz` at the root does it).
// Runs every target (or those named by --target) with --runs inputs each (default 100000), writes
// each failure to failures/<target>-<hash>.json for test/replay-failures.test.ts, and prints a
// markdown table. Exits 1 when a target failed.
//
//   node scripts/fuzz.mjs [--runs N] [--target NAME[,NAME]] [--seed N] [--minutes-per-target M]
//                         [--json FILE]

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { failureHash, runTarget, TARGETS } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100000' },
    target: { type: 'string', multiple: true },
    seed: { type: 'string' },
    'minutes-per-target': { type: 'string' },
    json: { type: 'string' },
  },
});

const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new RangeError(`--runs must be a positive integer, got ${values.runs}`);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const names = values.target?.flatMap((entry) => entry.split(',')) ?? [];
const selected =
  names.length === 0 ? TARGETS : TARGETS.filter((target) => names.includes(target.name));
const unknown = names.filter((name) => !TARGETS.some((target) => target.name === name));
if (unknown.length > 0)
  throw new TypeError(
    `unknown target ${unknown.join(', ')}: known are ${TARGETS.map((t) => t.name).join(', ')}`,
  );
const minutes =
  values['minutes-per-target'] === undefined ? undefined : Number(values['minutes-per-target']);

const failures = join(here, '..', 'failures');
mkdirSync(failures, { recursive: true });
console.log(`fuzzing ${selected.length} targets, ${runs} inputs each, seed ${seed}`);

const rows = [];
const started = Date.now();
for (const target of selected) {
  let last = Date.now();
  const report = await runTarget(target, {
    seed,
    numRuns: runs,
    ...(minutes === undefined ? {} : { timeLimitMs: minutes * 60_000 }),
    onInput(count) {
      if (Date.now() - last > 30_000) {
        last = Date.now();
        console.log(`  ${target.name}: ${count} inputs`);
      }
    },
  });
  let file = '';
  if (report.failure) {
    file = `${target.name}-${failureHash(report.failure)}.json`;
    writeFileSync(join(failures, file), `${JSON.stringify(report.failure, null, 2)}\n`);
  }
  const seconds = (report.durationMs / 1000).toFixed(1);
  console.log(
    `${target.name}: ${report.numRuns} inputs in ${seconds} s${report.interrupted ? ' (time limit)' : ''}${file ? `, FAILED: ${file}` : ''}`,
  );
  rows.push({
    target: target.name,
    runs: report.numRuns,
    seconds: Number(seconds),
    interrupted: report.interrupted,
    failure: file,
    error: report.failure?.error ?? '',
  });
}

const total = ((Date.now() - started) / 1000).toFixed(0);
console.log('');
console.log(`| target | inputs | seconds | inputs/s | failure |`);
console.log(`| --- | ---: | ---: | ---: | --- |`);
for (const row of rows) {
  const rate = row.seconds > 0 ? Math.round(row.runs / row.seconds) : row.runs;
  console.log(
    `| ${row.target} | ${row.runs} | ${row.seconds} | ${rate} | ${row.failure ? `${row.failure}: ${row.error.slice(0, 120)}` : 'none'} |`,
  );
}
console.log('');
console.log(
  `seed ${seed}, ${total} s in all, node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`,
);
if (values.json)
  writeFileSync(
    values.json,
    `${JSON.stringify({ seed, runs, totalSeconds: Number(total), node: process.version, rows }, null, 2)}\n`,
  );
process.exit(rows.some((row) => row.failure) ? 1 : 0);
