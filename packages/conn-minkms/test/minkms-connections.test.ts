import diagnosticsChannel from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import { createServer, type Socket } from 'node:net';
import { createKMS } from '@kmskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTo, rejectionOf, startPair } from './helpers.js';

/** Counts new undici connections while `run` runs. */
async function countConnections(run: () => Promise<unknown>): Promise<number> {
  let connects = 0;
  const onConnect = () => {
    connects++;
  };
  diagnosticsChannel.subscribe('undici:client:connected', onConnect);
  try {
    await run();
  } finally {
    diagnosticsChannel.unsubscribe('undici:client:connected', onConnect);
  }
  return connects;
}

describe('MinKMS connections', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] });
  });
  afterAll(() => pair.close());

  it('caps connections per endpoint', async () => {
    const connector = connectTo(pair.server, { maxConnections: 8 });
    const kms = createKMS({ connector, timeoutMs: 30_000 });
    let results: PromiseSettledResult<unknown>[] = [];
    const connects = await countConnections(async () => {
      results = await Promise.allSettled(
        Array.from({ length: 400 }, () => kms.generateKey({ name: 'my-key' })),
      );
    });
    await connector.close();
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    expect(connects).toBeGreaterThan(0);
    expect(connects).toBeLessThanOrEqual(8);
  });

  it('excludes queueing from the request timeout', async () => {
    const connector = connectTo(pair.server, { maxConnections: 1, requestTimeoutMs: 400 });
    const kms = createKMS({ connector, timeoutMs: 20_000 });
    pair.server.inject({ type: 'delay', ms: 100 }, { times: 8 });
    const started = performance.now();
    const keys = await Promise.all(
      Array.from({ length: 8 }, () => kms.generateKey({ name: 'my-key' })),
    );
    const elapsed = performance.now() - started;
    await connector.close();
    expect(keys).toHaveLength(8);
    expect(elapsed).toBeGreaterThanOrEqual(700);
  });

  it('reports a connect timeout as kms:Timeout', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const connector = connectTo(pair.server, {
      endpoints: [`127.0.0.1:${port}`],
      requestTimeoutMs: 300,
    });
    const error = await rejectionOf(createKMS({ connector }).generateKey({ name: 'my-key' }));
    await connector.close();
    for (const socket of sockets) socket.destroy();
    silent.close();
    expect(error.code).toBe('kms:Timeout');
    expect(error.status).toBe(504);
    expect(error.message).toMatch(/connecting to MinKMS endpoint .* timed out after 300 ms/);
  });

  it('rejects a bad connection limit', () => {
    for (const maxConnections of [-1, 1.5, Number.NaN]) {
      expect(() => connectTo(pair.server, { maxConnections })).toThrow(/option `maxConnections`/);
    }
  });
});
