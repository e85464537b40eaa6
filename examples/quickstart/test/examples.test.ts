import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = (name: string) => new URL(`../${name}`, import.meta.url).pathname;

describe('README examples', () => {
  it('builtin round trip', async () => {
    const { stdout } = await run(process.execPath, [script('builtin.mjs')], {
      env: {
        ...process.env,
        MINIO_KMS_SECRET_KEY: `my-key:${Buffer.alloc(32, 1).toString('base64')}`,
      },
    });
    expect(stdout).toContain('key my-key: round trip ok');
  });

  it('KES from MinIO variables', async () => {
    const { stdout } = await run(process.execPath, [script('kes.mjs')]);
    expect(stdout).toContain('kes: round trip ok');
    expect(stdout.match(/ online/g)).toHaveLength(2);
  });

  it('MinKMS from MinIO variables', async () => {
    const { stdout } = await run(process.execPath, [script('minkms.mjs')]);
    expect(stdout).toMatch(/minkms: round trip ok \(key version \d+\)/);
  });
});
