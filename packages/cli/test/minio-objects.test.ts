import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isolatedEnv, run, temporaryDirectory } from './helpers.js';

interface MinioObject {
  vector: string;
  bucket: string;
  object: string;
  sse: 'SSE-S3' | 'SSE-KMS' | 'SSE-C';
  metadata: Record<string, string>;
  storedBodyHex: string;
  storedSize: number;
  storedETag: string;
  clientETag: string;
  plaintextHex: string;
  kmsSecretKey?: string;
  customerKey?: string;
}

const { objects } = JSON.parse(
  readFileSync(new URL('./fixtures/minio-objects.json', import.meta.url), 'utf8'),
) as { objects: MinioObject[] };

/** Writes a MinIO-stored object as `kmskit decrypt` reads it: the body and its .meta.json. */
async function writeStoredObject(entry: MinioObject): Promise<string> {
  const file = join(await temporaryDirectory(), `${entry.object}.enc`);
  await writeFile(file, Buffer.from(entry.storedBodyHex, 'hex'));
  await writeFile(
    `${file}.meta.json`,
    JSON.stringify({
      bucket: entry.bucket,
      object: entry.object,
      sse: entry.sse,
      size: entry.plaintextHex.length / 2,
      storedSize: entry.storedSize,
      etag: entry.storedETag,
      metadata: entry.metadata,
    }),
  );
  return file;
}

describe('objects MinIO stored', () => {
  it('ships every kind', () => {
    expect(objects.map((entry) => entry.sse)).toEqual(['SSE-S3', 'SSE-KMS', 'SSE-C']);
  });

  it('decrypt reads each one', async () => {
    let count = 0;
    for (const entry of objects) {
      const file = await writeStoredObject(entry);
      const env = await isolatedEnv(
        entry.kmsSecretKey
          ? { MINIO_KMS_SECRET_KEY: entry.kmsSecretKey }
          : { KMSKIT_SSE_C_KEY: entry.customerKey },
      );

      const result = await run(['decrypt', file, '--json'], env);

      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.json()).toMatchObject({
        sse: entry.sse,
        bucket: entry.bucket,
        object: entry.object,
        etag: entry.clientETag,
      });
      expect((await readFile(file.replace(/\.enc$/, '.dec'))).toString('hex')).toBe(
        entry.plaintextHex,
      );
      count++;
    }
    expect(count).toBe(3);
  });
});
