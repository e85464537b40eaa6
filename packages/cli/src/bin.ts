/**
 * The `kmskit` executable. SIGINT and SIGTERM abort the run's signal when a long-running command
 * (`dev-server`) listens to it, so that it can stop cleanly; otherwise, and on a second signal,
 * the process exits at once with 130 (SIGINT) or 143 (SIGTERM).
 */

import { getEventListeners } from 'node:events';
import { runCli } from './run-cli.js';

const controller = new AbortController();
const stop = (signal: NodeJS.Signals) => {
  const listening = getEventListeners(controller.signal, 'abort').length > 0;
  if (controller.signal.aborted || !listening) process.exit(signal === 'SIGINT' ? 130 : 143);
  controller.abort();
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
process.off('SIGINT', stop);
process.off('SIGTERM', stop);
