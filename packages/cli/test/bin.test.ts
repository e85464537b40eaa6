import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, temporaryDirectory } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `kmskit` binary with a clean environment plus `env`. */
function runBin(args: string[], env: Record<string, string | undefined>): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 20_000 },
      (error, stdout, stderr) => {
        const status = error ? ((error as { code?: number }).code ?? null) : 0;
        resolve({ status: typeof status === 'number' ? status : null, stdout, stderr });
      },
    );
  });
}

/** Large enough that writing the output takes a few hundred milliseconds. */
const LARGE_FILE_SIZE = 128 * 1024 * 1024;

/**
 * Runs the binary, sends `signal` as soon as a `.partial` file in `directory` has data, and
 * returns the exit status and the mode the partial file had. `mode` stays undefined when the run
 * ended before any partial file was seen.
 */
async function interruptMidRun(
  args: string[],
  env: Record<string, string | undefined>,
  directory: string,
  signal: NodeJS.Signals,
): Promise<{ status: number | null; mode: number | undefined }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: 'ignore',
  });
  let exited = false;
  const status = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      resolve(code);
    }),
  );
  let mode: number | undefined;
  while (!exited && mode === undefined) {
    const partial = readdirSync(directory).find((name) => name.endsWith('.partial'));
    const info = partial
      ? statSync(join(directory, partial), { throwIfNoEntry: false })
      : undefined;
    if (info && info.size > 0) {
      mode = info.mode & 0o777;
      child.kill(signal);
    } else {
      await sleep(2);
    }
  }
  return { status: await status, mode };
}

describe('kmskit binary', () => {
  beforeAll(() => {
    if (!existsSync(BIN))
      throw new Error(`${BIN} is missing: run 'npm run build -w @kmskit/cli' first`);
  });

  it('starts with a node shebang', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
  });

  it('prints help', async () => {
    const result = await runBin(['--help'], await isolatedEnv());

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: kmskit <command>');
    expect(result.stderr).toBe('');
  });

  it('runs the demo', async () => {
    const env = await isolatedEnv();
    const result = await runBin(['demo'], env);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('19 of 19 steps ok');
    expect(result.stderr).toBe(
      `kmskit: created a new builtin key at ${env.KMSKIT_CONFIG_DIR}/builtin.key (mode 0600)\n`,
    );
  });

  it('encrypts and decrypts a file', async () => {
    const env = await isolatedEnv();
    const directory = await temporaryDirectory();
    const file = join(directory, 'data.bin');
    const plaintext = randomBytes(200_000);
    await writeFile(file, plaintext);

    const encrypted = await runBin(['encrypt', file, '--json'], env);
    const decrypted = await runBin(['decrypt', `${file}.enc`, '--out', `${file}.out`], env);

    expect(encrypted.status).toBe(0);
    expect(JSON.parse(encrypted.stdout).sse).toBe('SSE-S3');
    expect(decrypted.status).toBe(0);
    expect((await readFile(`${file}.out`)).equals(plaintext)).toBe(true);
  });

  it('exits quietly on a closed pipe', async () => {
    const env = await isolatedEnv();
    const directory = await temporaryDirectory();
    const file = join(directory, 'data.bin');
    await writeFile(file, randomBytes(4 * 1024 * 1024));
    expect((await runBin(['encrypt', file], env)).status).toBe(0);

    const child = spawn(process.execPath, [BIN, 'decrypt', `${file}.enc`, '--out', '-'], {
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.once('data', () => child.stdout.destroy());
    const status = await new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(status).toBe(141);
    expect(stderr).toBe('');
  });

  it('exits 2 on a usage error', async () => {
    const result = await runBin(['key', 'create'], await isolatedEnv());

    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      "kmskit: key create: missing <name>; run 'kmskit key create --help'\n",
    );
  });

  it('exits 1 on a KMS error', async () => {
    const env = await isolatedEnv();
    const result = await runBin(['dek', 'decrypt', 'kmskit-default-key', 'AAAA'], env);

    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/created a new builtin key/);
    expect(lines[1]).toMatch(/^kmskit: .*\(kms:InvalidCiphertextException\)$/);
  });

  it('SIGINT removes the partial file', async () => {
    const env = await isolatedEnv();
    const directory = await temporaryDirectory();
    const file = join(directory, 'big.bin');
    await writeFile(file, Buffer.alloc(LARGE_FILE_SIZE, 7));

    const result = await interruptMidRun(['encrypt', file], env, directory, 'SIGINT');

    expect(result.mode).toBe(0o600);
    expect(result.status).toBe(130);
    expect(readdirSync(directory)).toEqual(['big.bin']);
  });

  it('SIGTERM removes partial plaintext', async () => {
    const env = await isolatedEnv();
    const directory = await temporaryDirectory();
    const file = join(directory, 'big.bin');
    await writeFile(file, Buffer.alloc(LARGE_FILE_SIZE, 7));
    expect((await runBin(['encrypt', file], env)).status).toBe(0);

    const result = await interruptMidRun(['decrypt', `${file}.enc`], env, directory, 'SIGTERM');

    expect(result.mode).toBe(0o600);
    expect(result.status).toBe(143);
    expect(readdirSync(directory).sort()).toEqual([
      'big.bin',
      'big.bin.enc',
      'big.bin.enc.meta.json',
    ]);
  });
});
