import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/index.js';
import { isolatedEnv, MINIO_TEST_KEY, run, temporaryDirectory } from './helpers.js';

const SIZE = 300_000;

/** Creates a directory with `photo.jpg` of random bytes and returns both with the plaintext. */
async function fixture(): Promise<{ directory: string; file: string; plaintext: Buffer }> {
  const directory = await temporaryDirectory();
  const file = join(directory, 'photo.jpg');
  const plaintext = randomBytes(SIZE);
  await writeFile(file, plaintext);
  return { directory, file, plaintext };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function sseCKey(): string {
  return randomBytes(32).toString('base64');
}

describe('encrypt and decrypt', () => {
  it('SSE-S3 round trip with defaults', async () => {
    const { file, plaintext } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });

    const encrypted = await run(['encrypt', file], env);
    expect(encrypted.status).toBe(0);
    expect(encrypted.stderr).toBe('');
    expect(encrypted.stdout.split('\n')[0]).toBe(
      'encrypted ' + file + ' as SSE-S3 object kmskit/photo.jpg',
    );
    expect(encrypted.stdout).toContain(`plaintext sha256: ${sha256(plaintext)}`);

    const stored = await readFile(`${file}.enc`);
    const meta = JSON.parse(await readFile(`${file}.enc.meta.json`, 'utf8'));
    expect(stored.length).toBe(meta.storedSize);
    expect(stored.subarray(0, 1)[0]).toBe(0x20);
    expect(meta.bucket).toBe('kmskit');
    expect(meta.object).toBe('photo.jpg');
    expect(meta.sse).toBe('SSE-S3');
    expect(meta.size).toBe(SIZE);
    expect(meta.etag).toMatch(/^[0-9a-f]{96}$/);
    expect(meta.metadata['X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm']).toBe(
      'DAREv2-HMAC-SHA256',
    );
    expect(meta.metadata['X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id']).toBe('my-key');
    expect(meta.metadata['X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key']).toMatch(
      /^[A-Za-z0-9+/]{86}==$/,
    );

    const decrypted = await run(['decrypt', `${file}.enc`], env);
    expect(decrypted.status).toBe(0);
    expect(decrypted.stdout).toContain('decrypted SSE-S3 object kmskit/photo.jpg');
    expect(sha256(await readFile(`${file}.dec`))).toBe(sha256(plaintext));
  });

  it('SSE-KMS with names and json', async () => {
    const { directory, file, plaintext } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const out = join(directory, 'stored.bin');

    const encrypted = await run(
      [
        'encrypt',
        file,
        '--bucket',
        'photos',
        '--object',
        '2026/a.jpg',
        '--sse',
        'kms',
        '--kms-key',
        'my-key',
        '--out',
        out,
        '--json',
      ],
      env,
    );
    const result = encrypted.json();
    expect(encrypted.status).toBe(0);
    expect(result).toMatchObject({
      input: file,
      output: out,
      metadata: `${out}.meta.json`,
      bucket: 'photos',
      object: '2026/a.jpg',
      sse: 'SSE-KMS',
      size: SIZE,
      sha256: sha256(plaintext),
    });
    const meta = JSON.parse(await readFile(`${out}.meta.json`, 'utf8'));
    expect(meta.metadata['X-Minio-Internal-Server-Side-Encryption-Kms-Sealed-Key']).toBeDefined();

    const decrypted = await run(['decrypt', out, '--out', join(directory, 'plain'), '--json'], env);
    expect(decrypted.json()).toMatchObject({
      sse: 'SSE-KMS',
      bucket: 'photos',
      object: '2026/a.jpg',
      size: SIZE,
      sha256: sha256(plaintext),
    });
    expect(sha256(await readFile(join(directory, 'plain')))).toBe(sha256(plaintext));
  });

  it('SSE-C needs no KMS', async () => {
    const { file, plaintext } = await fixture();
    const env = await isolatedEnv();
    const key = sseCKey();

    const encrypted = await run(['encrypt', file, '--sse', 'c', '--sse-c-key', key], env);
    const decrypted = await run(['decrypt', `${file}.enc`], { ...env, KMSKIT_SSE_C_KEY: key });

    expect(encrypted.status).toBe(0);
    expect(decrypted.status).toBe(0);
    expect(decrypted.stderr).toBe('');
    expect(sha256(await readFile(`${file}.dec`))).toBe(sha256(plaintext));
    expect(existsSync(env.KMSKIT_CONFIG_DIR!)).toBe(false);
    const meta = await readFile(`${file}.enc.meta.json`, 'utf8');
    expect(meta).not.toContain(key);
  });

  it('SSE-C with a wrong key', async () => {
    const { directory, file } = await fixture();
    const env = await isolatedEnv();
    await run(['encrypt', file, '--sse', 'c', '--sse-c-key', sseCKey()], env);

    const result = await run(['decrypt', `${file}.enc`, '--sse-c-key', sseCKey()], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/^kmskit: Access Denied: .*\(AccessDenied\)$/);
    expect(existsSync(`${file}.dec`)).toBe(false);
    expect(readdirSync(directory).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('another object name fails', async () => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);

    const result = await run(['decrypt', `${file}.enc`, '--object', 'other.jpg'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/\(kms:InvalidCiphertextException\)$/);
    expect(existsSync(`${file}.dec`)).toBe(false);
  });

  it('a tampered body fails', async () => {
    const { directory, file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);
    const stored = await readFile(`${file}.enc`);
    stored[200_000]! ^= 1;
    await writeFile(`${file}.enc`, stored);

    const result = await run(['decrypt', `${file}.enc`], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(/\(XMinioObjectTampered\)$/);
    expect(existsSync(`${file}.dec`)).toBe(false);
    expect(readdirSync(directory).filter((name) => name.includes('partial'))).toEqual([]);
  });

  it('a truncated body fails', async () => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);
    const stored = await readFile(`${file}.enc`);
    await writeFile(`${file}.enc`, stored.subarray(0, stored.length - 100));

    const result = await run(['decrypt', `${file}.enc`], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(existsSync(`${file}.dec`)).toBe(false);
  });

  it('existing outputs need --force', async () => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);

    const again = await run(['encrypt', file], env);
    const forced = await run(['encrypt', file, '--force'], env);

    expect(again.status).toBe(1);
    expect(again.errorLines).toEqual([
      `kmskit: encrypt: ${file}.enc exists: pass --force to overwrite it or --out to choose another file`,
    ]);
    expect(forced.status).toBe(0);
  });

  it('decrypt to stdout', async () => {
    const { file, plaintext } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);
    const chunks: Buffer[] = [];
    let stderr = '';

    const status = await runCli(['decrypt', `${file}.enc`, '--out', '-'], {
      stdout: { write: (chunk) => chunks.push(Buffer.from(chunk)) },
      stderr: { write: (chunk) => (stderr += chunk) },
      env,
    });

    expect(status).toBe(0);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(plaintext));
    expect(stderr).toBe(
      `kmskit: decrypted ${file}.enc (${SIZE} bytes, sha256 ${sha256(plaintext)}) to stdout\n`,
    );
  });

  it('draws progress on a terminal', async () => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    let stderr = '';

    const status = await runCli(['encrypt', file], {
      stdout: { write: () => true },
      stderr: { write: (chunk) => (stderr += chunk), isTTY: true, columns: 80 },
      env,
    });

    expect(status).toBe(0);
    expect(stderr).toMatch(/\rencrypt \[#+\] 100% {2}0\.3\/0\.3 MiB/);
    expect(stderr.endsWith('\r\x1b[K')).toBe(true);
  });

  it('draws no progress elsewhere', async () => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(['encrypt', file], env);

    expect(result.stderr).toBe('');
  });
});

describe('file errors', () => {
  it('input is a directory', async () => {
    const { directory } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });

    const result = await run(['encrypt', directory, '--out', `${directory}.enc`], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: cannot read ${directory}: it is a directory; pass a file`,
    ]);
    expect(existsSync(`${directory}.enc`)).toBe(false);
  });

  it.each([['encrypt'], ['decrypt']])('%s of a missing input', async (command) => {
    const { directory } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const missing = join(directory, 'missing.bin');

    const result = await run([command, missing], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: cannot read ${missing}: no such file; check the path`,
    ]);
  });

  it('output directory is missing', async () => {
    const { directory, file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const out = join(directory, 'no-such-dir', 'x.enc');

    const result = await run(['encrypt', file, '--out', out], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: cannot write ${out}: the directory ${join(directory, 'no-such-dir')} does not exist; create it or choose another file with --out`,
    ]);
    expect(readdirSync(directory)).toEqual(['photo.jpg']);
  });

  it('output is a directory', async () => {
    const { directory, file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);

    const result = await run(['decrypt', `${file}.enc`, '--out', directory, '--force'], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: cannot write ${directory}: it is a directory; pass a file name with --out`,
    ]);
  });

  it('existing decrypt output', async () => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);
    await writeFile(`${file}.dec`, 'keep me');

    const result = await run(['decrypt', `${file}.enc`], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: decrypt: ${file}.dec exists: pass --force to overwrite it or --out to choose another file`,
    ]);
    expect(await readFile(`${file}.dec`, 'utf8')).toBe('keep me');
  });
});

describe('file command errors', () => {
  it.each([
    [['encrypt'], /encrypt: missing <file>/],
    [['encrypt', '@file', '--sse', 'x'], /encrypt: invalid --sse "x": expected s3, kms or c/],
    [['encrypt', '@file', '--kms-key', 'k'], /encrypt: --kms-key needs --sse kms/],
    [
      ['encrypt', '@file', '--sse-c-key', 'AAAA'],
      /encrypt: invalid SSE-C key: it is 3 bytes, expected 32/,
    ],
    [['encrypt', '@file', '--sse', 'c'], /encrypt: SSE-C needs the customer key/],
    [
      ['encrypt', '@file', '--sse', 'c', '--sse-c-key', 'not base64'],
      /encrypt: invalid SSE-C key: expected standard base64/,
    ],
    [
      ['decrypt', '@file'],
      /invalid metadata file .*photo\.jpg\.meta\.json: cannot read it \(ENOENT\)/,
    ],
    [
      ['decrypt', '@file', '--out', '-', '--json'],
      /decrypt: --out - writes the plaintext to stdout and cannot be combined with --json/,
    ],
  ])('%j fails with one line', async (argv, pattern) => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(
      argv.map((word) => (word === '@file' ? file : word)),
      env,
    );

    expect(result.status).toBe(pattern.source.includes('metadata file') ? 1 : 2);
    expect(result.stdout).toBe('');
    expect(result.errorLines).toHaveLength(1);
    expect(result.errorLines[0]).toMatch(pattern);
  });

  it('sse-c-key with SSE-S3', async () => {
    const { file } = await fixture();
    const result = await run(['encrypt', file, '--sse-c-key', sseCKey()], await isolatedEnv());

    expect(result.status).toBe(2);
    expect(result.errorLines).toEqual(['kmskit: encrypt: --sse-c-key needs --sse c']);
  });

  it('malformed metadata file', async () => {
    const { file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);
    const metaPath = `${file}.enc.meta.json`;
    const meta = JSON.parse(await readFile(metaPath, 'utf8'));
    await writeFile(metaPath, JSON.stringify({ ...meta, size: -1 }));

    const result = await run(['decrypt', `${file}.enc`], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toEqual([
      `kmskit: invalid metadata file ${metaPath}: "size" is missing or malformed`,
    ]);
  });

  it('metadata of another file', async () => {
    const { directory, file } = await fixture();
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    await run(['encrypt', file], env);
    const small = join(directory, 'small.bin');
    await writeFile(small, randomBytes(1000));
    await run(['encrypt', small], env);

    const result = await run(['decrypt', `${file}.enc`, '--meta', `${small}.enc.meta.json`], env);

    expect(result.status).toBe(1);
    expect(result.errorLines).toHaveLength(1);
    expect(existsSync(`${file}.dec`)).toBe(false);
  });
});
