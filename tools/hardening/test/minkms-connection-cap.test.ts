import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { createKMS } from '@kmskit/core';
import { startMinkmsServer } from '@kmskit/testing';
import { expect, it } from 'vitest';

// Owner: @kmskit/conn-minkms. The connector's undici Agent has no limit on connections per
// endpoint and no option to set one, so every operation in flight opens its own TLS connection.
// At a few thousand concurrent operations the handshakes starve the event loop, connects time out
// and most operations fail (the soak run at 10,000: 21 op/s, 95 % errors; the KES connector with
// `maxConnections: 256` served the same load at about 1,200 op/s without errors). A
// `maxConnections` option with a bounded default, as the KES connector has, would queue instead.
it('minkms caps connections under load', async () => {
  const server = await startMinkmsServer({ keys: ['k'] });
  const options = {
    endpoints: server.endpoints,
    enclave: server.enclave,
    apiKey: server.apiKey,
    ca: server.ca,
    maxConnections: 64,
  };
  const kms = createKMS({
    connector: createMinkmsConnector(options as Parameters<typeof createMinkmsConnector>[0]),
    timeoutMs: 60_000,
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(
      peak,
      process
        .getActiveResourcesInfo()
        .filter((name) => name === 'TLSWrap' || name === 'TCPSocketWrap').length,
    );
  }, 50);
  const results = await Promise.allSettled(
    Array.from({ length: 3_000 }, () => kms.generateKey({ name: 'k' })),
  );
  clearInterval(sampler);
  expect(results.filter((result) => result.status === 'rejected').length).toBe(0);
  // Client and server sockets of this process: 64 connections give at most 128.
  expect(peak).toBeLessThanOrEqual(200);
  await kms.close();
  await server.close();
}, 120_000);
