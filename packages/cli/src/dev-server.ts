/**
 * Local development KMS servers: starts the KES or MinKMS test server of `@kmskit/testing` on
 * 127.0.0.1, writes the client credentials into a new private directory and returns the MinIO
 * environment variables that point a client (kmskit or MinIO) at it.
 */

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The kinds of development server. */
export const DEV_SERVER_KINDS = ['kes', 'minkms'] as const;

/** A kind of development server. */
export type DevServerKind = (typeof DEV_SERVER_KINDS)[number];

/** The master key that a development server creates at start and names as the default key. */
export const DEV_SERVER_KEY_NAME = 'kmskit-dev-key';

/** Options of `startDevServer`. */
export interface DevServerOptions {
  /** The port of the first listener; the others use the next ports. 0 picks free ports. */
  port: number;
  /** How many listeners (endpoints) share the key store. */
  listeners: number;
}

/** A running development server. */
export interface DevServer {
  kind: DevServerKind;
  /** `https://127.0.0.1:<port>` per listener. */
  endpoints: string[];
  /** The directory with the credentials, mode 0700; `close` removes it. */
  directory: string;
  /** The variables to export, in order. */
  env: Array<[string, string]>;
  /** Shell comments printed after the variables: alternatives and hints. */
  notes: string[];
  /** Stops the server and removes the credentials directory. */
  close(): Promise<void>;
}

/**
 * Starts a development server and writes its credentials.
 *
 * @throws {Error} when a port is taken or the credentials cannot be written.
 */
export async function startDevServer(
  kind: DevServerKind,
  options: DevServerOptions,
): Promise<DevServer> {
  const ports = Array.from({ length: options.listeners }, (_, index) =>
    options.port === 0 ? 0 : options.port + index,
  );
  const directory = await mkdtemp(join(tmpdir(), `kmskit-dev-${kind}-`));
  try {
    return kind === 'kes' ? await startKes(directory, ports) : await startMinkms(directory, ports);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

async function startKes(directory: string, ports: number[]): Promise<DevServer> {
  // Loaded on demand: the test servers and their certificate code slow every other command's start.
  const { startKesServer } = await import('@kmskit/testing');
  const server = await startKesServer({
    listeners: ports.length,
    ports,
    keys: { [DEV_SERVER_KEY_NAME]: randomBytes(32) },
  });
  const files = {
    ca: join(directory, 'ca.pem'),
    cert: join(directory, 'client.crt'),
    key: join(directory, 'client.key'),
    apiKey: join(directory, 'api-key'),
  };
  await writePrivate(files.ca, server.ca);
  await writePrivate(files.cert, server.admin.cert);
  await writePrivate(files.key, server.admin.key);
  await writePrivate(files.apiKey, `${server.apiKey}\n`);
  return {
    kind: 'kes',
    endpoints: [...server.endpoints],
    directory,
    env: [
      ['MINIO_KMS_KES_ENDPOINT', server.endpoints.join(',')],
      ['MINIO_KMS_KES_KEY_NAME', DEV_SERVER_KEY_NAME],
      ['MINIO_KMS_KES_CERT_FILE', files.cert],
      ['MINIO_KMS_KES_KEY_FILE', files.key],
      ['MINIO_KMS_KES_CAPATH', files.ca],
    ],
    notes: [
      'To authenticate with a KES API key instead of the client certificate, unset',
      'MINIO_KMS_KES_CERT_FILE and MINIO_KMS_KES_KEY_FILE and run',
      `export MINIO_KMS_KES_API_KEY="$(cat ${files.apiKey})"`,
    ],
    close: () => closeAndRemove(server, directory),
  };
}

async function startMinkms(directory: string, ports: number[]): Promise<DevServer> {
  const { startMinkmsServer } = await import('@kmskit/testing');
  const server = await startMinkmsServer({
    listeners: ports.length,
    ports,
    keys: [DEV_SERVER_KEY_NAME],
  });
  const files = { ca: join(directory, 'ca.pem'), apiKey: join(directory, 'api-key') };
  await writePrivate(files.ca, server.ca);
  await writePrivate(files.apiKey, `${server.apiKey}\n`);
  return {
    kind: 'minkms',
    endpoints: [...server.endpoints],
    directory,
    env: [
      ['MINIO_KMS_SERVER', server.endpoints.join(',')],
      ['MINIO_KMS_ENCLAVE', server.enclave],
      ['MINIO_KMS_SSE_KEY', DEV_SERVER_KEY_NAME],
      ['MINIO_KMS_API_KEY', server.apiKey],
      ['KMSKIT_MINKMS_CAPATH', files.ca],
    ],
    notes: [
      'MinIO has no CA variable for MinIO KMS: copy ca.pem into ~/.minio/certs/CAs for a MinIO',
      'server. KMSKIT_MINKMS_CAPATH is read by kmskit only.',
    ],
    close: () => closeAndRemove(server, directory),
  };
}

async function writePrivate(path: string, content: string): Promise<void> {
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
}

async function closeAndRemove(
  server: { close(): Promise<void> },
  directory: string,
): Promise<void> {
  try {
    await server.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
