#!/usr/bin/env node
/**
 * `kmskit-s3-server`: runs the example server until Ctrl-C or SIGTERM. `--help` describes the
 * options and variables. Errors are printed as one line `kmskit-s3-server: …`. The exit status is
 * 2 for a usage or configuration mistake and 1 when the server cannot start.
 */

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS, type KMS } from '@kmskit/core';
import {
  awsCliCommand,
  CliError,
  describeError,
  describeListenError,
  errnoText,
  formatLogEntry,
  oneLine,
  PROGRAM,
} from './cli-messages.js';
import { parseCliArguments, USAGE } from './cli-options.js';
import { type LoadedSecret, loadCredentials, loadSecretKey } from './cli-secrets.js';
import type { S3ServerLogEntry } from './router.js';
import { type S3Server, startS3Server } from './s3-server.js';

/** Writes a log entry to stderr as one line. */
function log(entry: S3ServerLogEntry): void {
  process.stderr.write(`${formatLogEntry(entry)}\n`);
}

/** Creates the builtin KMS, naming the variable or file of a bad key. */
function createKms(secret: LoadedSecret): KMS {
  try {
    return createKMS({ connector: createBuiltinConnector({ secretKey: secret.value }) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError(`${secret.source}: ${oneLine(message)}`, secret.fromEnvironment ? 2 : 1);
  }
}

/** Starts the server and returns it, or returns the exit status for `--help`. */
async function start(argv: readonly string[]): Promise<S3Server | number> {
  const options = parseCliArguments(argv);
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const { port, dataDir } = options;
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new CliError(
      `failed to create the data folder ${dataDir} (${errnoText(error)}): pass another --data-dir`,
      1,
    );
  }
  const generated = (path: string) =>
    log({ level: 'info', message: `generated ${path} (mode 0600)` });
  const kms = createKms(await loadSecretKey(dataDir, process.env, generated));
  const { credentials, file } = await loadCredentials(dataDir, process.env, generated);

  let server: S3Server;
  try {
    server = await startS3Server({ dataDir, kms, credentials, port, log });
  } catch (error) {
    throw new CliError(describeListenError(error, port), 1);
  }
  const caFile = join(dataDir, 'ca.pem');
  try {
    await writeFile(caFile, server.ca ?? '');
  } catch (error) {
    await server.close();
    throw new CliError(`failed to write ${caFile} (${errnoText(error)}): check --data-dir`, 1);
  }

  console.log(`KMS key: ${kms.defaultKeyId} (builtin)`);
  console.log(`CA certificate: ${caFile}`);
  console.log(`credentials: ${file ?? 'MINIO_ROOT_USER / MINIO_ROOT_PASSWORD'}`);
  const command = awsCliCommand({
    endpoint: server.endpoint,
    region: server.region,
    caFile,
    credentials:
      file === undefined
        ? { kind: 'environment' }
        : { kind: 'file', path: file, accessKeyId: credentials.accessKeyId },
  });
  console.log(`try: ${command}`);
  console.log('Ctrl-C stops the server');
  return server;
}

/** Closes the server on the first SIGINT or SIGTERM. A second signal exits at once. */
function stopOnSignals(server: S3Server): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    server.close().then(
      () => {
        process.exitCode = 0;
      },
      (error: unknown) => {
        process.stderr.write(`${PROGRAM}: stopping failed: ${describeError(error)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

try {
  const result = await start(process.argv.slice(2));
  if (typeof result === 'number') process.exitCode = result;
  else stopOnSignals(result);
} catch (error) {
  const known = error instanceof CliError;
  process.stderr.write(`${PROGRAM}: ${known ? error.message : describeError(error)}\n`);
  process.exitCode = known ? error.exitCode : 1;
}
