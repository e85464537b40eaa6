#!/usr/bin/env node
// Installs dependencies and builds every package, doing each only when needed: the install runs
// when package-lock.json or a package.json changed since the last one, and turbo's cache skips the
// build of packages whose sources did not change.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stampFile = join(root, 'node_modules', '.kmskit-install-stamp');

function manifests() {
  const files = ['package.json', 'package-lock.json'];
  for (const folder of ['packages', 'examples', 'tools']) {
    const directory = join(root, folder);
    if (!existsSync(directory)) continue;
    for (const name of readdirSync(directory).sort()) {
      const manifest = join(folder, name, 'package.json');
      if (existsSync(join(root, manifest))) files.push(manifest);
    }
  }
  return files;
}

function installHash() {
  const hash = createHash('sha256');
  hash.update(process.version);
  for (const file of manifests()) {
    hash.update(file);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '');
  }
  return hash.digest('hex');
}

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  if (result.status !== 0) {
    process.stderr.write(
      `prepare: \`${command} ${args.join(' ')}\` failed with exit code ${result.status}\n`,
    );
    process.exit(result.status ?? 1);
  }
}

const wanted = installHash();
const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : '';
if (current !== wanted) {
  process.stderr.write('prepare: installing dependencies (npm ci)\n');
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error']);
  writeFileSync(stampFile, installHash());
}

process.stderr.write('prepare: building packages (turbo skips unchanged ones)\n');
run(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=errors-only']);
