#!/usr/bin/env node
// Checks every published package for what users and bundlers rely on: `exports` with `types`,
// `sideEffects: false`, `engines`, a README, a LICENSE, public access, and for each `conn-*`
// package a conformance test. Prints one line per problem and exits 1 when there is any.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Returns the problems of the packages under `root/packages`, one string each. */
export function checkPackages(root) {
  const problems = [];
  const directory = join(root, 'packages');
  for (const name of readdirSync(directory).sort()) {
    const folder = join(directory, name);
    const manifestPath = join(folder, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const report = (problem) => problems.push(`packages/${name}: ${problem}`);

    const main = manifest.exports?.['.'];
    if (!main || typeof main !== 'object') report('`exports["."]` is missing');
    else {
      if (typeof main.types !== 'string') report('`exports["."].types` is missing');
      if (typeof main.import !== 'string' && typeof main.default !== 'string')
        report('`exports["."]` has no import entry');
    }
    if (manifest.sideEffects !== false) report('`sideEffects` must be false');
    if (typeof manifest.engines?.node !== 'string') report('`engines.node` is missing');
    if (manifest.type !== 'module') report('`type` must be "module"');
    if (manifest.license !== 'Apache-2.0') report('`license` must be "Apache-2.0"');
    if (manifest.publishConfig?.access !== 'public')
      report('`publishConfig.access` must be "public"');
    if (!existsSync(join(folder, 'README.md'))) report('README.md is missing');
    if (!existsSync(join(folder, 'LICENSE'))) report('LICENSE is missing');
    if (name.startsWith('conn-') && !existsSync(join(folder, 'test', 'conformance.test.ts'))) {
      report('connector package without test/conformance.test.ts');
    }
    for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
      for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
        if (String(range).startsWith('workspace:'))
          report(`${field}.${dependency} uses the workspace: protocol, which npm rejects`);
      }
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const problems = checkPackages(join(dirname(fileURLToPath(import.meta.url)), '..'));
  for (const problem of problems) process.stdout.write(`${problem}\n`);
  process.stdout.write(
    problems.length === 0 ? 'all packages pass\n' : `${problems.length} problems\n`,
  );
  process.exit(problems.length === 0 ? 0 : 1);
}
