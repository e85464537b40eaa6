import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Env } from '@kmskit/core';
import { afterEach } from 'vitest';
import { runCli } from '../src/index.js';

/** The captured result of one in-process run. */
export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
  /** stderr split into lines, without the empty last one. */
  errorLines: string[];
  /** stdout parsed as JSON; throws when it is not. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read the JSON documents field by field.
  json(): any;
}

/** Runs `kmskit` in-process with captured streams and the given environment. */
export async function run(argv: string[], env: Env, signal?: AbortSignal): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    env,
    signal,
  });
  return {
    status,
    stdout,
    stderr,
    errorLines: stderr.split('\n').filter((line) => line !== ''),
    json: () => JSON.parse(stdout),
  };
}

const directories: string[] = [];

/** Creates a temporary directory that is removed after the test. */
export async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'kmskit-cli-'));
  directories.push(directory);
  return directory;
}

/** Returns an environment with only a temporary config dir: no KMS variable, no real HOME. */
export async function isolatedEnv(extra: Env = {}): Promise<Record<string, string | undefined>> {
  const root = await temporaryDirectory();
  return { HOME: join(root, 'home'), KMSKIT_CONFIG_DIR: join(root, 'config'), ...extra };
}

afterEach(async () => {
  await Promise.all(
    directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
  );
});

/** A MINIO_KMS_SECRET_KEY value from MinIO's tests. */
export const MINIO_TEST_KEY = 'my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=';
