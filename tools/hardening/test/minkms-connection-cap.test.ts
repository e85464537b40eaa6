import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { createKMS } from '@kmskit/core';
import { startMinkmsServer } from '@kmskit/testing';
import { expect, it } from 'vitest';

// Regression: without a cap the connector opened one TLS connection per operation in flight, and
// at a few thousand concurrent operations the handshakes starved the event loop and most
// operations failed (the soak run at 10,000: 21 op/s, 95 % errors). `maxConnections` queues them.
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
