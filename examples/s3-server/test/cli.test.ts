import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { customerKey } from './helpers.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface ChildResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

const folders: string[] = [];
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function temporaryFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'kmskit-s3-cli-'));
  folders.push(folder);
  return folder;
}

/** Builds a child's environment without the KMS and root variables of the caller's shell. */
function childEnv(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
}

/** Runs `dist/main.js` to completion. */
function runMain(args: string[], env = childEnv()): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env, timeout: 20_000 }, (error, out, err) => {
      const code = error ? (error as { code?: unknown }).code : 0;
      resolve({ status: typeof code === 'number' ? code : null, stdout: out, stderr: err });
    });
  });
}

/** Resolves with the child's output once `pattern` appears in it. */
function waitForOutput(stream: NodeJS.ReadableStream, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}`)), 15_000);
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

/** Collects everything a stream emits. */
function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { text: () => text };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Sends an unsigned GET with an SSE-C key header and returns the status. */
function unsignedGet(endpoint: string, path: string, ca: string, key: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, endpoint);
    const headers = {
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': key.toString('base64'),
    };
    request(url, { ca, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    })
      .on('error', reject)
      .end();
  });
}

function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
}

describe('kmskit-s3-server command', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) {
      throw new Error(`${MAIN} is missing: run 'npx tsup' in examples/s3-server first`);
    }
  });

  it('prints help', async () => {
    const result = await runMain(['--help']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: kmskit-s3-server [--port N] [--data-dir DIR]');
    expect(result.stdout).toContain('--data-dir DIR');
    expect(result.stderr).toBe('');
  });

  it('rejects an unknown option', async () => {
    const result = await runMain(['--bogus']);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe('kmskit-s3-server: unknown option --bogus: see --help\n');
    expect(result.stdout).toBe('');
  });

  it('rejects a positional argument', async () => {
    const result = await runMain(['serve']);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe('kmskit-s3-server: unexpected argument "serve": see --help\n');
  });

  it('rejects a half-set root user', async () => {
    const dataDir = await temporaryFolder();
    const result = await runMain(
      ['--data-dir', dataDir, '--port', '0'],
      childEnv({ MINIO_ROOT_USER: 'admin' }),
    );

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /^kmskit-s3-server: MINIO_ROOT_USER is set without MINIO_ROOT_PASSWORD: .+\n$/m,
    );
    expectNoStack(result.stderr);
  });

  it('reports a busy port', async () => {
    const dataDir = await temporaryFolder();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const result = await runMain(['--data-dir', dataDir, '--port', String(port)]);

      expect(result.status).toBe(1);
      const errors = result.stderr.split('\n').filter((line) => line.startsWith('kmskit-s3-'));
      expect(errors).toEqual([
        `kmskit-s3-server: port ${port} is in use: pass another --port, or --port 0 for a free one`,
      ]);
      expectNoStack(result.stderr);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('serves, logs and stops', async () => {
    const xdgDataHome = await temporaryFolder();
    const workingDir = await temporaryFolder();
    const child = spawn(process.execPath, [MAIN, '--port', '0'], {
      cwd: workingDir,
      env: childEnv({ XDG_DATA_HOME: xdgDataHome }),
    });
    const exit = exited(child);
    const stderr = collect(child.stderr!);
    try {
      const stdout = await waitForOutput(child.stdout!, /Ctrl-C stops the server\n/);
      const dataDir = join(xdgDataHome, 'kmskit-s3-server');
      const endpoint = /--endpoint-url (https:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1];
      expect(endpoint).toBeDefined();
      expect(stdout).toContain(`AWS_CA_BUNDLE=${dataDir}/ca.pem`);
      expect(stdout).toContain('AWS_DEFAULT_REGION=us-east-1');
      expect(stdout).toContain('AWS_SECRET_ACCESS_KEY="$(node -p');

      for (const name of ['kms-secret.key', 'credentials.json']) {
        expect(statSync(join(dataDir, name)).mode & 0o777, name).toBe(0o600);
      }
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(await readdir(workingDir)).toEqual([]);
      const { secretAccessKey } = JSON.parse(
        await readFile(join(dataDir, 'credentials.json'), 'utf8'),
      );
      expect(stdout).not.toContain(secretAccessKey);

      const key = customerKey(21);
      const ca = await readFile(join(dataDir, 'ca.pem'), 'utf8');
      expect(await unsignedGet(endpoint!, '/demo/secret.txt', ca, key)).toBe(403);
      await expect.poll(() => stderr.text()).toContain('AccessDenied');

      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      const lines = stderr.text().trimEnd().split('\n');
      expect(lines.some((line) => / info S3 server listening on https:/.test(line))).toBe(true);
      expect(lines.filter((line) => line.includes(' warn '))).toEqual([
        expect.stringMatching(/ warn GET \/demo\/secret\.txt 403 AccessDenied request-id=\w+$/),
      ]);
      expect(lines.at(-1)).toMatch(/ info S3 server on https:\/\/127\.0\.0\.1:\d+ stopped$/);
      expect(stderr.text()).not.toContain(key.toString('base64'));
      expect(stderr.text()).not.toContain(secretAccessKey);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
