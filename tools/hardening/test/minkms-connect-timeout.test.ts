import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { createKMS } from '@kmskit/core';
import { startMinkmsServer } from '@kmskit/testing';
import { expect, it } from 'vitest';

// Owner: @kmskit/conn-minkms. A connection whose TLS handshake never completes fails with undici's
// UND_ERR_CONNECT_TIMEOUT, which the connector reports as the operation's `…Failed` code (500)
// instead of `kms:Timeout` (504), the code for a request that ran past its time limit; the KES
// connector reports the same situation as `kms:Timeout`. Seen in the soak run, where thousands of
// handshakes queue up. The connect limit is the smaller of `requestTimeoutMs` and 10 s, so it
// shows when `requestTimeoutMs` is above 10 s.
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
      requestTimeoutMs: 20_000,
    }),
    timeoutMs: 30_000,
  });
  const error = await kms.generateKey({ name: 'k' }).catch((caught: unknown) => caught);
  expect(error).toMatchObject({ code: 'kms:Timeout', status: 504 });
  await kms.close();
  for (const socket of sockets) socket.destroy();
  silent.close();
  await server.close();
});
