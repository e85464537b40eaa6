import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { createKMS } from '@kmskit/core';
import { startMinkmsServer } from '@kmskit/testing';
import { expect, it } from 'vitest';

// Regression: a TLS handshake that never completes used to surface as undici's
// UND_ERR_CONNECT_TIMEOUT under the operation's `…Failed` code (500). It is `kms:Timeout` (504)
// from the connector itself, as for KES, and not the `KMS` client's whole-call deadline.
it('minkms connect timeout is kms:Timeout', async () => {
  const server = await startMinkmsServer({ keys: ['k'] });
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as AddressInfo).port;
  const kms = createKMS({
    connector: createMinkmsConnector({
      endpoints: [`127.0.0.1:${port}`],
      enclave: server.enclave,
      apiKey: server.apiKey,
      ca: server.ca,
      requestTimeoutMs: 1_000,
    }),
    timeoutMs: 30_000,
  });
  const started = performance.now();
  const error = await kms.generateKey({ name: 'k' }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'kms:Timeout', status: 504 });
  // The connect limit follows `requestTimeoutMs` (1 s here), with slack for a loaded machine.
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(String((error as Error).message)).not.toContain('timed out after 30000 ms');
  for (const socket of sockets) socket.destroy();
  silent.close();
  await kms.close();
  await server.close();
});
