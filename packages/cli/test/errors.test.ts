import { describe, expect, it } from 'vitest';
import { isolatedEnv, MINIO_TEST_KEY, run } from './helpers.js';

/** Checks the failure contract: one `kmskit:` line on stderr, nothing on stdout, no stack. */
function expectOneLineFailure(
  result: Awaited<ReturnType<typeof run>>,
  status: number,
  pattern: RegExp,
): void {
  expect(result.status).toBe(status);
  expect(result.stdout).toBe('');
  expect(result.errorLines).toHaveLength(1);
  expect(result.errorLines[0]).toMatch(/^kmskit: /);
  expect(result.errorLines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

const USAGE_CASES: Array<[string[], RegExp]> = [
  [['bogus'], /unknown command "bogus"; run 'kmskit --help'/],
  [['--bogus'], /unknown option --bogus/],
  [['key'], /^kmskit: key: missing command \(create, list, delete\)/],
  [['key', 'rename'], /key: unknown command "rename": expected create, list, delete/],
  [['key', 'create'], /key create: missing <name>/],
  [['key', 'create', 'a', 'b'], /key create: unexpected argument "b"/],
  [['key', 'list', '--limit', 'ten'], /key list: invalid --limit "ten"/],
  [
    ['key', 'list', '--limit', '-1'],
    /^kmskit: key list: invalid --limit "-1": expected a non-negative integer$/,
  ],
  [
    ['key', 'list', '--limit=-1'],
    /^kmskit: key list: invalid --limit "-1": expected a non-negative integer$/,
  ],
  [
    ['key', 'list', '--limit', '--json'],
    /^kmskit: key list: --limit needs a value: pass it as --limit=VALUE when it starts with '-'/,
  ],
  [
    ['dek', 'decrypt', 'my-key', 'YWJj', '--version', '-1'],
    /^kmskit: dek decrypt: invalid --version "-1": expected an integer from 0 to 4294967295$/,
  ],
  [['key', 'list', '--limit'], /key list: Option '--limit <value>' argument missing/],
  [['key', 'delete', '--force', 'x'], /key delete: unknown option --force/],
  [['dek', 'decrypt', 'my-key'], /dek decrypt: missing <ciphertext-base64>/],
  [
    ['dek', 'decrypt', 'my-key', 'not base64!'],
    /dek decrypt: invalid <ciphertext-base64>: expected standard base64/,
  ],
  [['dek', 'decrypt', 'my-key', 'YWJj'], /kms:InvalidCiphertextException/],
  [['dek', 'decrypt', 'my-key', 'YWJjZA'], /invalid <ciphertext-base64>/],
  [['dek', 'decrypt', 'my-key', 'YWJj', '--version', 'x'], /dek decrypt: invalid --version "x"/],
  [['dek', 'decrypt', 'my-key', 'YWJj', '--version', '4294967296'], /invalid --version/],
  [['dek', 'generate', '--context', 'novalue'], /invalid --context "novalue": expected key=value/],
  [
    ['dek', 'generate', '--context', '=v'],
    /^kmskit: dek generate: invalid --context "=v": a context key is empty; use a non-empty key such as the bucket name$/,
  ],
  [
    ['dek', 'decrypt', 'my-key', 'YWJj', '--context-json', '{"":"v"}'],
    /^kmskit: dek decrypt: invalid --context-json: a context key is empty; /,
  ],
  [['dek', 'generate', '--context-json', '{'], /invalid --context-json: not valid JSON/],
  [['dek', 'generate', '--context-json', '[]'], /invalid --context-json: expected a JSON object/],
  [['dek', 'generate', '--context-json', '{"a":1}'], /the value of "a" is not a string/],
  [
    ['dek', 'generate', '--context', 'a=1', '--context-json', '{"a":"2"}'],
    /context key "a" is given twice/,
  ],
  [['dek', 'generate', 'a', 'b'], /dek generate: unexpected argument "b"/],
  [['status', 'extra'], /status: unexpected argument "extra"/],
  [['version', '--json=yes'], /version: Option '--json' does not take an argument/],
  [['help', 'bogus'], /help: unknown command "bogus"/],
];

describe('usage errors', () => {
  it.each(USAGE_CASES)('%j fails with one line', async (argv, pattern) => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY });
    const result = await run(argv, env);
    const status = pattern.source.includes('kms:') ? 1 : 2;
    expectOneLineFailure(result, status, pattern);
  });
});

describe('configuration errors', () => {
  it('incomplete KES variables', async () => {
    const env = await isolatedEnv({ MINIO_KMS_KES_ENDPOINT: 'https://127.0.0.1:7373' });
    const result = await run(['status'], env);

    expectOneLineFailure(result, 1, /invalid KMS configuration: missing MINIO_KMS_KES_KEY_NAME/);
  });

  it('incomplete MinKMS variables', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SERVER: 'https://127.0.0.1:7373' });
    const result = await run(['status'], env);

    expectOneLineFailure(result, 1, /invalid KMS configuration: .*MINIO_KMS_ENCLAVE/);
  });

  it('invalid MINIO_KMS_SECRET_KEY', async () => {
    const env = await isolatedEnv({ MINIO_KMS_SECRET_KEY: 'my-key:c2hvcnQ=' });
    const result = await run(['dek', 'generate'], env);

    expectOneLineFailure(
      result,
      1,
      /^kmskit: invalid KMS configuration: MINIO_KMS_SECRET_KEY: .*5 bytes/,
    );
    expect(result.stderr).not.toContain('c2hvcnQ');
  });

  it('two kinds of KMS configured', async () => {
    const env = await isolatedEnv({
      MINIO_KMS_SECRET_KEY: MINIO_TEST_KEY,
      MINIO_KMS_SERVER: 'https://127.0.0.1:7373',
    });
    const result = await run(['key', 'list'], env);

    expectOneLineFailure(
      result,
      1,
      /invalid KMS configuration: configuration for MinIO KMS .* and the builtin KMS/,
    );
    expect(result.stderr).not.toContain('eEm+');
  });

  it('unknown KMSKIT_CONNECTOR type', async () => {
    const env = await isolatedEnv({ KMSKIT_CONNECTOR: 'vault' });
    const result = await run(['status'], env);

    expectOneLineFailure(
      result,
      1,
      /KMSKIT_CONNECTOR="vault" names no registered connector: registered types are 'builtin', 'kes', 'minkms'/,
    );
  });
});
