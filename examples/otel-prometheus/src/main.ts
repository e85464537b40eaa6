/**
 * Runs the example until Ctrl-C: `node dist/main.js [port]`. Scrape the printed URL with
 * Prometheus or `curl`.
 */

import { startExample } from './example.js';

const port = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
  console.error(`invalid port ${JSON.stringify(process.argv[2])}: pass an integer from 0 to 65535`);
  process.exit(2);
}

const example = await startExample({ port });
console.log(`KMS metrics at ${example.url} (Ctrl-C stops)`);

process.once('SIGINT', async () => {
  const report = await example.close();
  console.log(
    `stopped after ${report.generated} generated, ${report.decrypted} decrypted, ${report.missingKey} missing-key calls`,
  );
});
