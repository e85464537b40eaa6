import { createKMS, KmsError } from '@kmskit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectTo, type KesPair, operation, rejection, startPair } from './helpers.js';

describe('failover between two endpoints', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({ listeners: 2 });
    await pair.kms.createKey({ name: 'my-key' });
  });
  afterEach(async () => {
    pair.server.clearFaults();
    await pair.server.start(0);
    await pair.server.start(1);
  });
  afterAll(() => pair.close());

  /** A fresh connector, so that every test starts without cool-downs. */
  const fresh = () => connectTo(pair.server);

  it('moves on after 503', async () => {
    pair.server.inject(
      { kind: 'status', status: 503, message: 'key store is unavailable' },
      { listener: 0 },
    );
    const connector = fresh();
    for (let i = 0; i < 10; i++) {
      const options = operation();
      const key = await connector.generateKey(
        { name: 'my-key', associatedData: new Uint8Array(2) },
        options,
      );
      expect(key.plaintext.length).toBe(32);
      expect(
        await connector.decrypt(
          {
            name: 'my-key',
            version: 0,
            ciphertext: key.ciphertext,
            associatedData: new Uint8Array(2),
          },
          operation(),
        ),
      ).toEqual(key.plaintext);
      expect(options.attempts.at(-1)?.outcome).toBe('success');
    }
    await connector.close();
  });

  it('moves on after a refused connection', async () => {
    await pair.server.stop(0);
    const connector = fresh();
    const options = operation();
    for (let i = 0; i < 6; i++)
      await connector.generateKey({ name: 'my-key', associatedData: new Uint8Array(2) }, options);
    const failures = options.attempts.filter((attempt) => attempt.outcome === 'failure');
    expect(failures.length).toBeLessThanOrEqual(1);
    expect(failures.every((attempt) => attempt.endpoint === pair.server.endpoints[0])).toBe(true);
    expect(options.attempts.filter((attempt) => attempt.outcome === 'success').length).toBe(6);
    await connector.close();
  });

  it('tries each endpoint once on 500', async () => {
    pair.server.inject({ kind: 'status', status: 500, message: 'authentication failed' });
    pair.server.clearRequests();
    const connector = fresh();
    const options = operation();
    const error = await rejection(
      connector.generateKey({ name: 'my-key', associatedData: new Uint8Array(2) }, options),
    );
    expect(error.code).toBe('kms:KeyGenerationFailed');
    expect(error.status).toBe(500);
    expect(pair.server.requests.length).toBe(2);
    expect(new Set(options.attempts.map((attempt) => attempt.endpoint)).size).toBe(2);
    await connector.close();
  });

  it('stops at once on 404 and 403', async () => {
    const connector = fresh();
    for (const [status, code] of [
      [404, 'kms:KeyNotFound'],
      [403, 'kms:NotAuthorized'],
    ] as const) {
      pair.server.clearFaults();
      pair.server.clearRequests();
      const message =
        status === 404 ? 'key does not exist' : 'not authorized: insufficient permissions';
      pair.server.inject({ kind: 'status', status, message });
      for (const call of [
        () =>
          connector.generateKey({ name: 'my-key', associatedData: new Uint8Array(2) }, operation()),
        () =>
          connector.decrypt(
            {
              name: 'my-key',
              version: 0,
              ciphertext: new Uint8Array(76),
              associatedData: new Uint8Array(2),
            },
            operation(),
          ),
      ]) {
        expect((await rejection(call())).code).toBe(code);
      }
      expect(pair.server.requests.length).toBe(2);
    }
    await connector.close();
  });

  it('skips a failed endpoint during cool-down', async () => {
    pair.server.inject({ kind: 'status', status: 503 }, { listener: 0 });
    const connector = fresh();
    pair.server.clearRequests();
    for (let i = 0; i < 20; i++)
      await connector.generateKey(
        { name: 'my-key', associatedData: new Uint8Array(2) },
        operation(),
      );
    expect(
      pair.server.requests.filter((request) => request.listener === 0).length,
    ).toBeLessThanOrEqual(1);
    await connector.close();
  });

  it('probes again after cool-down', async () => {
    const fault = pair.server.inject({ kind: 'status', status: 503 }, { listener: 0 });
    const connector = connectTo(pair.server, { cooldownMs: 100 });
    for (let i = 0; i < 10; i++)
      await connector.generateKey(
        { name: 'my-key', associatedData: new Uint8Array(2) },
        operation(),
      );
    fault.remove();
    await new Promise((resolve) => setTimeout(resolve, 150));
    pair.server.clearRequests();
    for (let i = 0; i < 30; i++)
      await connector.generateKey(
        { name: 'my-key', associatedData: new Uint8Array(2) },
        operation(),
      );
    expect(pair.server.requests.filter((request) => request.listener === 0).length).toBeGreaterThan(
      3,
    );
    await connector.close();
  });

  it('sends the same body to the next endpoint', async () => {
    const key = await pair.kms.generateKey({
      name: 'my-key',
      context: { bucket: 'bucket/object' },
    });
    pair.server.inject({ kind: 'close-after-handling' }, { listener: 0 });
    pair.server.clearRequests();
    const connector = fresh();
    const plaintext = await connector.decrypt(
      {
        name: 'my-key',
        version: 0,
        ciphertext: key.ciphertext,
        associatedData: Buffer.from('{"bucket":"bucket/object"}'),
      },
      operation(),
    );
    expect(plaintext).toEqual(key.plaintext);
    // The random start decides whether listener 0 got the request first.
    const bodies = pair.server.requests.map((request) => request.body);
    expect(new Set(bodies).size).toBe(1);
    expect(pair.server.requests.at(-1)?.listener).toBe(1);
    await connector.close();
  });

  it('stops at cancellation without marking', async () => {
    pair.server.inject({ kind: 'hang' }, { times: 1 });
    const connector = fresh();
    const controller = new AbortController();
    const options = operation(controller.signal);
    const pending = connector.generateKey(
      { name: 'my-key', associatedData: new Uint8Array(2) },
      options,
    );
    setTimeout(() => controller.abort(new Error('stop')), 100);
    const started = performance.now();
    const error = await rejection(pending);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error.code).toBe('kms:Canceled');
    expect(options.attempts.length).toBe(1);

    pair.server.clearRequests();
    for (let i = 0; i < 30; i++)
      await connector.generateKey(
        { name: 'my-key', associatedData: new Uint8Array(2) },
        operation(),
      );
    expect(new Set(pair.server.requests.map((request) => request.listener)).size).toBe(2);
    await connector.close();
  });

  it('passes the deadline error through', async () => {
    pair.server.inject({ kind: 'hang' });
    const kms = createKMS({ connector: fresh(), timeoutMs: 300 });
    const error = await rejection(kms.generateKey({ name: 'my-key' }));
    expect(error.code).toBe('kms:Timeout');
    await kms.close();
  });
});

describe('black hole endpoints', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({ listeners: 2 });
    await pair.kms.createKey({ name: 'my-key' });
  });
  afterAll(() => pair.close());

  it('never outlasts the deadline', async () => {
    await pair.server.blackHole(0);
    await pair.server.blackHole(1);
    const connector = connectTo(pair.server, {
      requestTimeoutMs: 10_000,
      connectTimeoutMs: 10_000,
    });
    const kms = createKMS({ connector, timeoutMs: 500 });
    const started = performance.now();
    const error = await rejection(kms.generateKey({ name: 'my-key' }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('kms:Timeout');
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5_000);
    await kms.close();
  });

  it('moves past a black hole', async () => {
    await pair.server.start(1);
    const connector = connectTo(pair.server, { requestTimeoutMs: 150 });
    const kms = createKMS({ connector, timeoutMs: 500 });
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await kms.generateKey({ name: 'my-key' });
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(pair.server.connections(0)).toBeGreaterThanOrEqual(1);
    await kms.close();
    await pair.server.start(0);
  });
});

describe('endpoints stopped under load', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({ listeners: 3 }, { requestTimeoutMs: 1_000, cooldownMs: 200 });
    await pair.kms.createKey({ name: 'my-key' });
  });
  afterAll(() => pair.close());

  it('loses no operation', async () => {
    const total = 600;
    let started = 0;
    let done = 0;
    const failures: unknown[] = [];
    const worker = async () => {
      while (started < total) {
        started++;
        const context = { bucket: `bucket/object-${started}` };
        try {
          const key = await pair.kms.generateKey({ context });
          const plaintext = await pair.kms.decrypt({
            name: 'my-key',
            ciphertext: key.ciphertext,
            context,
          });
          expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
          done++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const load = Promise.all(Array.from({ length: 16 }, worker));
    while (done < total / 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await pair.server.stop(0);
    while (done < (2 * total) / 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await pair.server.stop(1);
    await load;
    expect(
      failures.map((error) => (KmsError.isInstance(error) ? error.message : String(error))),
    ).toEqual([]);
    expect(done).toBe(total);
    const late = pair.server.requests.slice(-50);
    expect(late.every((request) => request.listener === 2)).toBe(true);
  });
});
