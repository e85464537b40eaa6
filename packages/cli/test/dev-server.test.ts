import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isolatedEnv, run, temporaryDirectory } from './helpers.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface RunningServer {
  child: ChildProcess;
  /** The JSON document the server printed at start. */
  info: { kind: string; endpoints: string[]; directory: string; env: Record<string, string> };
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit status. */
  stop(): Promise<number | null>;
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts `kmskit dev-server` as a child process and waits until it reports that it runs. */
function startServer(args: string[]): Promise<RunningServer> {
  const child = spawn(process.execPath, [BIN, 'dev-server', ...args, '--json'], {
    env: { PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`dev-server did not start: ${stderr}`)),
      20_000,
    );
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => {
      stderr += chunk;
      if (!stderr.includes('dev server running at')) return;
      clearTimeout(timer);
      resolve({
        child,
        info: JSON.parse(stdout),
        stderr: () => stderr,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dev-server exited with ${code}: ${stderr}`));
    });
  });
}

/** Returns a port that was free a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('dev-server kes', () => {
  it('serves the KMS commands', async () => {
    const server = await startServer(['kes', '--listeners', '2']);
    const env = await isolatedEnv(server.info.env);

    expect(server.info.kind).toBe('kes');
    expect(server.info.endpoints).toHaveLength(2);
    expect(Object.keys(server.info.env)).toEqual([
      'MINIO_KMS_KES_ENDPOINT',
      'MINIO_KMS_KES_KEY_NAME',
      'MINIO_KMS_KES_CERT_FILE',
      'MINIO_KMS_KES_KEY_FILE',
      'MINIO_KMS_KES_CAPATH',
    ]);
    expect(statSync(server.info.directory).mode & 0o777).toBe(0o700);
    expect(statSync(server.info.env.MINIO_KMS_KES_KEY_FILE!).mode & 0o777).toBe(0o600);

    const created = await run(['key', 'create', 'app-key'], env);
    expect(created.stderr).toBe('');
    expect(created.status).toBe(0);
    expect(created.stdout).toBe("created key 'app-key'\n");

    const listed = await run(['key', 'list', '--json'], env);
    expect(listed.json().names).toEqual(['app-key', 'kmskit-dev-key']);

    const generated = await run(
      ['dek', 'generate', 'app-key', '--context', 'b=b/o', '--json'],
      env,
    );
    expect(generated.status).toBe(0);
    const key = generated.json();
    const decrypted = await run(
      ['dek', 'decrypt', 'app-key', key.ciphertext, '--context', 'b=b/o', '--json'],
      env,
    );
    expect(decrypted.status).toBe(0);
    expect(decrypted.json().plaintextSha256).toBe(key.plaintextSha256);

    const wrongContext = await run(['dek', 'decrypt', 'app-key', key.ciphertext], env);
    expect(wrongContext.status).toBe(1);
    expect(wrongContext.errorLines).toHaveLength(1);
    expect(wrongContext.errorLines[0]).toMatch(/\(kms:InvalidCiphertextException\)$/);

    const status = await run(['status', '--json'], env);
    expect(status.status).toBe(0);
    expect(status.json().type).toBe('kes');
    expect(status.json().defaultKeyId).toBe('kmskit-dev-key');
    expect(status.json().endpoints.map((endpoint: { state: string }) => endpoint.state)).toEqual([
      'online',
      'online',
    ]);

    const demo = await run(['demo', '--json'], env);
    expect(demo.status).toBe(0);
    expect(demo.json().kms.type).toBe('kes');
    expect(demo.json().failed).toBe(0);

    const newKeyDemo = await run(['demo', '--json'], {
      ...env,
      MINIO_KMS_KES_KEY_NAME: 'demo-new-key',
    });
    expect(newKeyDemo.status).toBe(0);
    expect(newKeyDemo.json().steps[1].detail).toMatch(
      /^created the missing default key 'demo-new-key', /,
    );

    expect(await server.stop()).toBe(0);
    expect(existsSync(server.info.directory)).toBe(false);
    expect(server.stderr()).toMatch(/kes dev server stopped/);
  });

  it('accepts the API key instead', async () => {
    const server = await startServer(['kes']);
    const apiKeyFile = `${server.info.directory}/api-key`;
    const {
      MINIO_KMS_KES_CERT_FILE: _cert,
      MINIO_KMS_KES_KEY_FILE: _key,
      ...rest
    } = server.info.env;
    const env = await isolatedEnv({ ...rest, MINIO_KMS_KES_API_KEY_FILE: apiKeyFile });

    const result = await run(['dek', 'generate', '--json'], env);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.json().keyId).toBe('kmskit-dev-key');
    expect(await server.stop()).toBe(0);
  });

  it('reports an offline server', async () => {
    const server = await startServer(['kes']);
    // Stopping removes the credentials, so keep copies for the client.
    const copies = await temporaryDirectory();
    const env = await isolatedEnv(server.info.env);
    for (const variable of [
      'MINIO_KMS_KES_CERT_FILE',
      'MINIO_KMS_KES_KEY_FILE',
      'MINIO_KMS_KES_CAPATH',
    ]) {
      const copy = join(copies, basename(env[variable]!));
      await copyFile(env[variable]!, copy);
      env[variable] = copy;
    }
    await server.stop();

    const status = await run(['status'], env);
    const generate = await run(['dek', 'generate'], env);

    expect(status.status).toBe(1);
    expect(status.stdout).toMatch(/endpoint: {4}https:\/\/127\.0\.0\.1:\d+ offline/);
    expect(status.errorLines).toEqual(['kmskit: status: no KMS endpoint is online']);
    expect(generate.status).toBe(1);
    expect(generate.errorLines).toHaveLength(1);
    expect(generate.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('dev-server minkms', () => {
  it('serves the KMS commands', async () => {
    const port = await freePort();
    const server = await startServer(['minkms', '--port', String(port)]);
    const env = await isolatedEnv(server.info.env);

    expect(server.info.endpoints).toEqual([`https://127.0.0.1:${port}`]);
    expect(Object.keys(server.info.env)).toEqual([
      'MINIO_KMS_SERVER',
      'MINIO_KMS_ENCLAVE',
      'MINIO_KMS_SSE_KEY',
      'MINIO_KMS_API_KEY',
      'KMSKIT_MINKMS_CAPATH',
    ]);

    const created = await run(['key', 'create', 'app-key', '--json'], env);
    expect(created.json()).toEqual({ created: 'app-key' });

    const again = await run(['key', 'create', 'app-key'], env);
    expect(again.status).toBe(1);
    expect(again.errorLines[0]).toMatch(/\(kms:KeyAlreadyExists\)$/);

    const key = (await run(['dek', 'generate', '--context', 'b=b/o', '--json'], env)).json();
    expect(key.keyId).toBe('kmskit-dev-key');
    expect(key.version).toBe(1);

    const decrypted = await run(
      ['dek', 'decrypt', 'kmskit-dev-key', key.ciphertext, '--context', 'b=b/o', '--version', '1'],
      env,
    );
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout).toContain(`plaintext sha256: ${key.plaintextSha256}`);

    const deleted = await run(['key', 'delete', 'app-key'], env);
    expect(deleted.stdout).toBe("deleted key 'app-key'\n");
    const missing = await run(['dek', 'generate', 'app-key'], env);
    expect(missing.status).toBe(1);
    expect(missing.errorLines[0]).toMatch(/\(kms:KeyNotFound\)$/);

    const status = (await run(['status', '--json'], env)).json();
    expect(status.type).toBe('minkms');
    expect(status.endpoints[0].state).toBe('online');

    const demo = await run(['demo', '--json'], env);
    expect(demo.json().steps.filter((step: { ok: boolean }) => !step.ok)).toEqual([]);
    expect(demo.status).toBe(0);

    expect(await server.stop()).toBe(0);
    expect(existsSync(server.info.directory)).toBe(false);
  });
});

describe('dev-server in-process', () => {
  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const env = await isolatedEnv();
    let stderr = '';
    let stdout = '';
    const { runCli } = await import('../src/index.js');
    const running = runCli(['dev-server', 'minkms'], {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: {
        write: (chunk: string) => {
          stderr += chunk;
          if (chunk.includes('running at')) controller.abort();
        },
      },
      env,
      signal: controller.signal,
    });

    expect(await running).toBe(0);
    expect(stdout).toMatch(/^export MINIO_KMS_SERVER=https:\/\/127\.0\.0\.1:\d+$/m);
    expect(stdout).toMatch(/^export MINIO_KMS_API_KEY=k1:/m);
    expect(stderr).toMatch(/minkms dev server stopped and .* removed/);
  });

  it.each([
    [['dev-server'], /dev-server: missing <kes\|minkms>/],
    [['dev-server', 'vault'], /dev-server: unknown server "vault": expected kes or minkms/],
    [
      ['dev-server', 'kes', '--listeners', '0'],
      /invalid --listeners "0": expected an integer from 1 to 16$/,
    ],
    [
      ['dev-server', 'kes', '--listeners', '17'],
      /invalid --listeners "17": expected an integer from 1 to 16$/,
    ],
    [
      ['dev-server', 'minkms', '--listeners', '0'],
      /invalid --listeners "0": expected an integer from 1 to 16$/,
    ],
    [
      ['dev-server', 'minkms', '--listeners', '17'],
      /invalid --listeners "17": expected an integer from 1 to 16$/,
    ],
    [['dev-server', 'kes', '--port', '65535', '--listeners', '2'], /invalid --port 65535/],
    [['dev-server', 'kes', '--port', 'x'], /invalid --port "x"/],
  ])('%j is a usage error', async (argv, pattern) => {
    const result = await run(argv, await isolatedEnv());

    expect(result.status).toBe(2);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(pattern);
  });
});
