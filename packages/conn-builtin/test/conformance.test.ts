import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConformanceSuite, runWithVitest } from '@kmskit/conformance';
import { createKMS } from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import { createBuiltinConnector, parseSecretKey } from '../src/index.js';
import { MY_KEY } from './helpers.js';

/** Cases the builtin connector skips on purpose, shared with `conformance.node.mjs`. */
const skip = JSON.parse(
  readFileSync(new URL('./conformance-skips.json', import.meta.url), 'utf8'),
) as Record<string, string>;

runWithVitest(
  { describe, it },
  defineConformanceSuite({
    name: 'builtin',
    createKms: () => createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) }),
    secrets: [parseSecretKey(MY_KEY).key, MY_KEY],
    skip,
  }),
);

describe('builtin conformance under node:test', () => {
  it('passes with the node:test adapter', () => {
    const script = fileURLToPath(new URL('./conformance.node.mjs', import.meta.url));
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^# fail 0$/m);
    expect(run.stdout).toMatch(/^# pass \d+$/m);
    expect(Number(/^# pass (\d+)$/m.exec(run.stdout)?.[1])).toBeGreaterThan(10);
    expect(run.stdout).toContain('[builtin] generates unique 32-byte data keys');
    expect(run.stdout).toContain(
      '# SKIP kms.mac.unknown-key: MinIO computes the builtin MAC with its one key for any name',
    );
    expect(run.stdout).toContain(
      '# SKIP kms.keys.create-existing: the connector does not support createKey',
    );
  });
});
