/**
 * The `kmskit` executable. SIGINT and SIGTERM abort the run's signal when a long-running command
 * (`dev-server`) listens to it, so that it can stop cleanly. Otherwise, and on a second signal,
 * the process exits at once with 130 (SIGINT) or 143 (SIGTERM). The `exit` handler of
 * pending-file.ts then removes the temporary output file of `encrypt` or `decrypt`.
 */

import { getEventListeners } from 'node:events';
import { describeError } from './cli-errors.js';
import { runCli } from './run-cli.js';

/** The exit status of a process killed by SIGPIPE, which shells report for a closed pipe. */
const EXIT_BROKEN_PIPE = 141;

const controller = new AbortController();
const stop = (signal: NodeJS.Signals) => {
  const listening = getEventListeners(controller.signal, 'abort').length > 0;
  if (controller.signal.aborted || !listening) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// A reader that closes the pipe early (`kmskit decrypt x --out - | head`) ends the run quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    process.exit(error.code === 'EPIPE' ? EXIT_BROKEN_PIPE : 1);
  });
}

// runCli reports every failure itself; this keeps the one-line promise for anything it misses.
process.on('uncaughtException', (error) => {
  process.stderr.write(`kmskit: internal error: ${describeError(error)}\n`);
  process.exit(1);
});

process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
