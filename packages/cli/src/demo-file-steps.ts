/** The demo's file steps: a real file through SSE-S3 encryption in MinIO's stored form and back. */

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type KMS, KmsError } from '@kmskit/core';
import { S3Error } from '@kmskit/s3-sse-adapter';
import type { DemoReport } from './demo-report.js';
import { decryptFile, encryptFile } from './object-crypto.js';
import { metadataPathFor, readObjectMetadata } from './object-files.js';

/** Bytes in a mebibyte. */
export const MIB = 1024 * 1024;

/** The size of the file the demo encrypts: several MiB, so it spans many 64 KiB DARE packages. */
export const DEMO_FILE_SIZE = 4 * MIB;

/**
 * Encrypts a file of random data as `bucket/object` with SSE-S3 in MinIO's stored form, decrypts
 * it and compares SHA-256 hashes, and checks that it does not decrypt as another object.
 */
export async function fileSteps(
  report: DemoReport,
  kms: KMS,
  bucket: string,
  objectName: string,
): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'kmskit-demo-'));
  try {
    const input = join(directory, basename(objectName));
    const output = `${input}.enc`;
    const metadataPath = metadataPathFor(output);
    const expected = await writeRandomFile(input, DEMO_FILE_SIZE);
    const object = { bucket, object: objectName };

    const encrypted = await report.step(
      `encrypt a ${DEMO_FILE_SIZE / MIB} MiB file as SSE-S3 object ${bucket}/${objectName}`,
      async () => {
        const result = await encryptFile({
          input,
          output,
          metadataPath,
          sse: 'SSE-S3',
          kms,
          ...object,
        });
        return `${result.storedSize} bytes stored in DARE packages, sealed key in MinIO's metadata entries`;
      },
    );
    if (!encrypted) return;
    const stored = await readObjectMetadata(metadataPath);

    await report.step('decrypt the file', async () => {
      const result = await decryptFile({
        input: output,
        output: `${input}.dec`,
        stored,
        kms,
        ...object,
      });
      if (result.sha256 !== expected) throw new Error('the SHA-256 of the decrypted file differs');
      return `SHA-256 matches (${result.sha256.slice(0, 16)}…)`;
    });

    const otherObject = `${objectName}.copy`;
    await report.step(`decrypt the file as object ${bucket}/${otherObject}`, async () => {
      try {
        await decryptFile({
          input: output,
          output: `${input}.other`,
          stored,
          kms,
          bucket,
          object: otherObject,
        });
      } catch (error) {
        // The object name is part of the KMS context, so the KMS rejects the sealed data key.
        const code = KmsError.isInstance(error) || S3Error.isInstance(error) ? error.code : '';
        if (code === 'kms:InvalidCiphertextException') return `rejected as expected (${code})`;
        throw error;
      }
      throw new Error('the file decrypted under another object name');
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

/** Writes `size` random bytes in 64 KiB chunks and returns their SHA-256 in hex. */
async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'wx', 0o600);
  try {
    for (let written = 0; written < size; ) {
      const chunk = randomBytes(Math.min(64 * 1024, size - written));
      hash.update(chunk);
      await file.write(chunk);
      written += chunk.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}
