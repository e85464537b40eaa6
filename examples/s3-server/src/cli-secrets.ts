/**
 * The builtin KMS key and the access key pair of `kmskit-s3-server`: taken from the environment,
 * or generated once into the data folder as files readable by their owner only (mode 0600).
 */

import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError, errnoText } from './cli-messages.js';
import type { Credentials } from './sigv4.js';

/** A secret and where it came from, for error messages. */
export interface LoadedSecret {
  value: string;
  /** The variable name or the file path. */
  source: string;
  /** Whether the secret came from the environment (a bad one is then a usage error). */
  fromEnvironment: boolean;
}

/** Access keys and where they came from. */
export interface LoadedCredentials {
  credentials: Credentials;
  /** The credentials file, or `undefined` when the keys came from `MINIO_ROOT_*`. */
  file: string | undefined;
}

/**
 * Returns `MINIO_KMS_SECRET_KEY`, or the key kept in `<dataDir>/kms-secret.key`, generating that
 * file on the first run. `onGenerated` receives the path of a new file.
 */
export async function loadSecretKey(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  onGenerated: (path: string) => void,
): Promise<LoadedSecret> {
  const fromEnv = env.MINIO_KMS_SECRET_KEY;
  if (fromEnv) return { value: fromEnv, source: 'MINIO_KMS_SECRET_KEY', fromEnvironment: true };
  const path = join(dataDir, 'kms-secret.key');
  const value = await keptSecret(
    path,
    () => `s3-example-key:${randomBytes(32).toString('base64')}`,
    onGenerated,
  );
  return { value, source: path, fromEnvironment: false };
}

/**
 * Returns the pair from `MINIO_ROOT_USER` and `MINIO_ROOT_PASSWORD`, or the pair kept in
 * `<dataDir>/credentials.json`, generating that file on the first run.
 *
 * @throws {CliError} when only one of the variables is set, or the file is not a valid pair.
 */
export async function loadCredentials(
  dataDir: string,
  env: NodeJS.ProcessEnv,
  onGenerated: (path: string) => void,
): Promise<LoadedCredentials> {
  const user = env.MINIO_ROOT_USER;
  const password = env.MINIO_ROOT_PASSWORD;
  if (user && password) {
    return { credentials: { accessKeyId: user, secretAccessKey: password }, file: undefined };
  }
  if (user || password) {
    throw new CliError(
      `${user ? 'MINIO_ROOT_USER' : 'MINIO_ROOT_PASSWORD'} is set without ${user ? 'MINIO_ROOT_PASSWORD' : 'MINIO_ROOT_USER'}: set both, or neither to use a generated pair`,
      2,
    );
  }
  const file = join(dataDir, 'credentials.json');
  const text = await keptSecret(
    file,
    () =>
      JSON.stringify({
        accessKeyId: `AK${randomBytes(9).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64url'),
      }),
    onGenerated,
  );
  return { credentials: parseCredentials(text, file), file };
}

/** Parses a credentials file. Its error message never quotes the content, which contains the secret. */
function parseCredentials(text: string, file: string): Credentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const pair = parsed as Partial<Credentials> | undefined;
  if (
    typeof pair?.accessKeyId !== 'string' ||
    typeof pair.secretAccessKey !== 'string' ||
    pair.accessKeyId === '' ||
    pair.secretAccessKey === ''
  ) {
    throw new CliError(
      `invalid ${file}: expected JSON {"accessKeyId": "...", "secretAccessKey": "..."}. Fix it, or delete it to generate a new pair`,
      1,
    );
  }
  return { accessKeyId: pair.accessKeyId, secretAccessKey: pair.secretAccessKey };
}

/** Reads a secret file written by an earlier run, or writes a new one with mode 0600. */
async function keptSecret(
  path: string,
  create: () => string,
  onGenerated: (path: string) => void,
): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CliError(`failed to read ${path} (${errnoText(error)}): check its permissions`, 1);
    }
  }
  const value = create();
  try {
    await writeFile(path, `${value}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another server on the same folder wrote the file first: use its secret.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return keptSecret(path, create, onGenerated);
    throw new CliError(`failed to write ${path} (${errnoText(error)}): check --data-dir`, 1);
  }
  onGenerated(path);
  return value;
}
