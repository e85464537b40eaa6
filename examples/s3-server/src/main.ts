#!/usr/bin/env node
/**
 * Runs the example server until Ctrl-C:
 *
 *     node dist/main.js [--data-dir ./s3-data] [--port 9000]
 *
 * The builtin KMS key comes from `MINIO_KMS_SECRET_KEY` (`<name>:<base64 of 32 bytes>`); without
 * it a key is generated once and kept in `<data-dir>/kms-secret.key`. The access key comes from
 * `MINIO_ROOT_USER` and `MINIO_ROOT_PASSWORD`; without them a pair is generated once and kept in
 * `<data-dir>/credentials.json`. The CA certificate to trust is written to `<data-dir>/ca.pem`.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS } from '@kmskit/core';
import { startS3Server } from './s3-server.js';
import type { Credentials } from './sigv4.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: './s3-data' },
    port: { type: 'string', default: '9000' },
  },
});
const dataDir = resolve(values['data-dir']!);
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`invalid --port ${JSON.stringify(values.port)}: pass an integer from 0 to 65535`);
  process.exit(2);
}
await mkdir(dataDir, { recursive: true });

/** Reads a secret file written by an earlier run, or writes a new one readable by its owner only. */
async function keptSecret(path: string, create: () => string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const value = create();
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
    console.log(`generated ${path}`);
    return value;
  }
}

const secretKey =
  process.env.MINIO_KMS_SECRET_KEY ??
  (await keptSecret(
    join(dataDir, 'kms-secret.key'),
    () => `s3-example-key:${randomBytes(32).toString('base64')}`,
  ));
const credentialsFile = join(dataDir, 'credentials.json');
const credentials: Credentials =
  process.env.MINIO_ROOT_USER && process.env.MINIO_ROOT_PASSWORD
    ? {
        accessKeyId: process.env.MINIO_ROOT_USER,
        secretAccessKey: process.env.MINIO_ROOT_PASSWORD,
      }
    : JSON.parse(
        await keptSecret(credentialsFile, () =>
          JSON.stringify({
            accessKeyId: `AK${randomBytes(9).toString('hex').toUpperCase()}`,
            secretAccessKey: randomBytes(30).toString('base64url'),
          }),
        ),
      );

const kms = createKMS({ connector: createBuiltinConnector({ secretKey }) });
const server = await startS3Server({
  dataDir,
  kms,
  credentials,
  port,
  log: (entry) => {
    const id = entry.requestId ? ` [${entry.requestId}]` : '';
    if (entry.level === 'error') console.error(`${entry.message}${id}:`, entry.error);
    else console.log(`${entry.message}${id}`);
  },
});
const caFile = join(dataDir, 'ca.pem');
await writeFile(caFile, server.ca ?? '');

console.log(`KMS key: ${kms.defaultKeyId} (builtin)`);
console.log(`CA certificate: ${caFile}`);
console.log(
  process.env.MINIO_ROOT_USER
    ? 'credentials: MINIO_ROOT_USER / MINIO_ROOT_PASSWORD'
    : `credentials: ${credentialsFile}`,
);
console.log(
  `try: AWS_CA_BUNDLE=${caFile} aws --endpoint-url ${server.endpoint} s3api create-bucket --bucket demo`,
);
console.log('Ctrl-C stops the server');

process.once('SIGINT', () => {
  void server.close();
});
