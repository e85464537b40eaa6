/**
 * `kmskit dev-server kes|minkms`: runs a local KES or MinIO KMS server for development until
 * SIGINT or SIGTERM, and prints the variables that point kmskit or MinIO at it.
 */

import { expectPositionals, parseCount } from '../arguments.js';
import { UsageError } from '../cli-errors.js';
import type { Command } from '../command.js';
import {
  DEV_SERVER_KEY_NAME,
  DEV_SERVER_KINDS,
  type DevServerKind,
  startDevServer,
} from '../dev-server.js';

const MAX_LISTENERS = 16;
const MAX_PORT = 65535;

/** The `dev-server` command. */
export const devServerCommand: Command = {
  name: 'dev-server',
  summary: 'run a local KES or MinIO KMS server for development',
  usage: ['dev-server kes|minkms [--port N] [--listeners N] [--json]'],
  description: [
    `Starts an in-memory KES or MinIO KMS server on 127.0.0.1 with real TLS, creates the master key '${DEV_SERVER_KEY_NAME}', writes the client credentials (CA certificate, client certificate and key, API key) into a new directory readable only by you, and prints the environment variables to use as export lines on stdout. It runs until SIGINT (Ctrl-C) or SIGTERM, then stops the server and removes the directory.`,
    'Keys live in memory only and are lost when the server stops. The server is a test double for development and tests, not a KMS for real data.',
  ],
  options: {
    port: { type: 'string' },
    listeners: { type: 'string' },
  },
  optionHelp: [
    [
      '--port N',
      'port of the first listener; the others take the next ports (default: free ports)',
    ],
    [
      '--listeners N',
      `number of endpoints sharing one key store, 1 to ${MAX_LISTENERS} (default 1)`,
    ],
  ],
  examples: ['kmskit dev-server kes', 'kmskit dev-server minkms --port 7373 --listeners 3'],
  async run({ io, out, values, positionals }) {
    expectPositionals('dev-server', positionals, ['kes|minkms'], 1);
    const kind = positionals[0] as DevServerKind;
    if (!DEV_SERVER_KINDS.includes(kind)) {
      throw new UsageError(
        `dev-server: unknown server ${JSON.stringify(kind)}: expected kes or minkms`,
      );
    }
    const port = parseCount('dev-server', 'port', values.port as string | undefined, MAX_PORT) ?? 0;
    const listeners =
      parseCount(
        'dev-server',
        'listeners',
        values.listeners as string | undefined,
        MAX_LISTENERS,
        1,
      ) ?? 1;
    if (port !== 0 && port + listeners - 1 > MAX_PORT) {
      throw new UsageError(
        `dev-server: invalid --port ${port}: ${listeners} listeners need ports up to ${port + listeners - 1}, above ${MAX_PORT}`,
      );
    }

    const server = await startDevServer(kind, { port, listeners });
    try {
      if (out.json) {
        out.document({
          kind,
          endpoints: server.endpoints,
          directory: server.directory,
          env: Object.fromEntries(server.env),
        });
      } else {
        for (const [name, value] of server.env) out.line(`export ${name}=${shellQuote(value)}`);
        for (const note of server.notes) out.line(`# ${note}`);
      }
      out.notice(
        `${kind} dev server running at ${server.endpoints.join(', ')}, credentials in ${server.directory}; stop it with Ctrl-C`,
      );
      await waitForAbort(io.signal);
    } finally {
      await server.close();
    }
    out.notice(`${kind} dev server stopped and ${server.directory} removed`);
  },
};

/** Quotes a value for POSIX shells when it contains characters outside a safe set. */
function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:,@%+=-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** Resolves when the signal aborts; never, without a signal. */
function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) {
      resolve();
      return;
    }
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
