import { createKMS, subscribeKmsCalls } from '@kmskit/core';
import { startMinkmsServer } from '@kmskit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMinkmsConnector } from '../src/index.js';
import { connectTo, operation, rejectionOf, startPair } from './helpers.js';

const AD = new TextEncoder().encode('{}');

describe('MinKMS failover', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ listeners: 2, keys: ['my-key'] });
  });
  afterEach(async () => {
    pair.server.clearFaults();
    await pair.server.start();
  });
  afterAll(() => pair.close());

  const generate = async (connector = pair.connector) => {
    const options = operation();
    const result = await connector
      .generateKey({ name: 'my-key', associatedData: AD }, options)
      .then(
        (value) => ({ value, error: undefined }),
        (error: Error & Record<string, unknown>) => ({ value: undefined, error }),
      );
    return { ...result, attempts: options.attempts };
  };

  for (const status of [502, 503, 504]) {
    it(`moves on after ${status}`, async () => {
      const connector = connectTo(pair.server);
      pair.server.inject({ type: 'status', status }, { times: 1 });
      const { value, attempts } = await generate(connector);
      await connector.close();
      expect(value?.plaintext).toHaveLength(32);
      expect(attempts.map((attempt) => attempt.outcome)).toEqual(['failure', 'success']);
      expect(attempts[0]?.status).toBe(status);
      expect(attempts[0]?.endpoint).not.toBe(attempts[1]?.endpoint);
    });
  }

  it('tries each endpoint once on 500', async () => {
    pair.server.inject({ type: 'status', status: 500, message: 'database unavailable' });
    const { error, attempts } = await generate();
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts.map((attempt) => attempt.endpoint)).size).toBe(2);
    expect(error?.code).toBe('kms:KeyGenerationFailed');
    expect(error?.status).toBe(500);
    expect(error?.retryable).toBe(true);
  });

  it('returns a malformed-request 500 at once', async () => {
    pair.server.inject({ type: 'status', status: 500, message: 'unexpected EOF' });
    const { error, attempts } = await generate();
    expect(attempts).toHaveLength(1);
    expect(error?.status).toBe(500);
    expect(error?.retryable).toBe(false);
  });

  const final = [
    { status: 400, message: 'invalid request', code: 'kms:KeyGenerationFailed' },
    { status: 403, message: 'access denied: insufficient permissions', code: 'kms:NotAuthorized' },
    { status: 404, message: 'key does not exist', code: 'kms:KeyNotFound' },
    { status: 409, message: 'conflict', code: 'kms:KeyGenerationFailed' },
    { status: 501, message: 'not implemented', code: 'kms:NotSupported' },
  ];
  for (const { status, message, code } of final) {
    it(`stops at ${status}`, async () => {
      pair.server.inject({ type: 'status', status, message });
      const { error, attempts } = await generate();
      expect(attempts).toHaveLength(1);
      expect(attempts[0]?.outcome).toBe('error');
      expect(error?.code).toBe(code);
      expect(error?.status).toBe(status);
      expect(error?.retryable).toBe(false);
    });
  }

  it('moves on when a listener is down', async () => {
    await pair.server.stop(0);
    for (let i = 0; i < 6; i++) {
      const { value, attempts } = await generate();
      expect(value?.plaintext).toHaveLength(32);
      expect(attempts.at(-1)?.endpoint).toBe(pair.server.endpoints[1]);
    }
  });

  it('skips a failed endpoint while it cools down', async () => {
    const connector = connectTo(pair.server, { cooldownMs: 60_000 });
    await pair.server.stop(0);
    let marked = false;
    for (let i = 0; i < 40 && !marked; i++) {
      const { attempts } = await generate(connector);
      marked = attempts[0]?.endpoint === pair.server.endpoints[0];
    }
    expect(marked).toBe(true);
    for (let i = 0; i < 10; i++) {
      const { attempts } = await generate(connector);
      expect(attempts.map((attempt) => attempt.endpoint)).toEqual([pair.server.endpoints[1]]);
    }
    await connector.close();
  });

  it('tries a cooled endpoint last', async () => {
    const connector = connectTo(pair.server, { cooldownMs: 60_000 });
    await pair.server.stop(0);
    for (let i = 0; i < 40; i++) await generate(connector);
    await pair.server.start(0);
    await pair.server.stop(1);
    const { value, attempts } = await generate(connector);
    await connector.close();
    expect(value?.plaintext).toHaveLength(32);
    expect(attempts.at(-1)?.endpoint).toBe(pair.server.endpoints[0]);
  });

  it('moves on after a per-attempt timeout', async () => {
    const connector = connectTo(pair.server, { requestTimeoutMs: 300 });
    pair.server.inject({ type: 'blackhole' }, { times: 1 });
    const { value, attempts } = await generate(connector);
    await connector.close();
    expect(value?.plaintext).toHaveLength(32);
    expect(attempts[0]).toMatchObject({ outcome: 'failure', errorCode: 'kms:Timeout' });
    expect(attempts[1]?.outcome).toBe('success');
  });

  it('returns the first version response', async () => {
    pair.server.inject({ type: 'blackhole' }, { listener: 0, route: 'version' });
    const connector = connectTo(pair.server, { requestTimeoutMs: 60_000 });
    const options = operation();
    const started = performance.now();
    const version = await connector.version(options);
    const elapsed = performance.now() - started;
    await connector.close();
    expect(version.endpoint).toBe(pair.server.endpoints[1]);
    expect(elapsed).toBeLessThan(2_000);
    expect(options.attempts).toEqual([
      expect.objectContaining({ outcome: 'success', status: 200 }),
    ]);
  });

  it('reports each endpoint status', async () => {
    await pair.server.stop(0);
    pair.server.inject(
      { type: 'status', status: 403 },
      { listener: 1, route: 'version', times: 1 },
    );
    const denied = await pair.connector.status(operation());
    const online = await pair.connector.status(operation());
    expect(denied.map((item) => item.state)).toEqual(['offline', 'unauthorized']);
    expect(denied[0]?.error).toMatch(/ECONNREFUSED/);
    expect(online.map((item) => item.state)).toEqual(['offline', 'online']);
    expect(online[1]?.latencyMs).toBeGreaterThan(0);
  });

  it('moves on after a TLS failure', async () => {
    const stranger = await startMinkmsServer({ keys: ['my-key'] });
    const connector = createMinkmsConnector({
      endpoints: [stranger.endpoints[0]!, pair.server.endpoints[0]!],
      enclave: pair.server.enclave,
      apiKey: pair.server.apiKey,
      ca: pair.server.ca,
    });
    let tlsFailures = 0;
    for (let i = 0; i < 8; i++) {
      const { value, attempts } = await generate(connector);
      expect(value?.plaintext).toHaveLength(32);
      tlsFailures += attempts.filter((attempt) => attempt.errorCode === 'kms:TLSError').length;
    }
    await connector.close();
    await stranger.close();
    expect(tlsFailures).toBeGreaterThanOrEqual(1);
  });
});

describe('MinKMS deadlines', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] });
  });
  afterEach(() => pair.server.clearFaults());
  afterAll(() => pair.close());

  it('ends a black hole at the deadline', async () => {
    pair.server.inject({ type: 'blackhole' });
    const connector = connectTo(pair.server, { requestTimeoutMs: 60_000 });
    const kms = createKMS({ connector, timeoutMs: 500 });
    const started = performance.now();
    const error = await rejectionOf(kms.generateKey({ name: 'my-key' }));
    const elapsed = performance.now() - started;
    await connector.close();
    expect(error.code).toBe('kms:Timeout');
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('stops at once on cancellation', async () => {
    pair.server.inject({ type: 'blackhole' });
    const connector = connectTo(pair.server, { requestTimeoutMs: 60_000 });
    const controller = new AbortController();
    const options = operation(controller.signal);
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const error = await rejectionOf(
      connector.generateKey({ name: 'my-key', associatedData: AD }, options),
    );
    const elapsed = performance.now() - started;
    await connector.close();
    expect(error.code).toBe('kms:Canceled');
    expect(elapsed).toBeLessThan(1_000);
    expect(options.attempts).toHaveLength(1);
  });

  it('sends nothing after cancellation', async () => {
    const controller = new AbortController();
    controller.abort();
    pair.server.clearRequests();
    const error = await rejectionOf(
      pair.connector.generateKey(
        { name: 'my-key', associatedData: AD },
        operation(controller.signal),
      ),
    );
    expect(error.code).toBe('kms:Canceled');
    expect(pair.server.requests).toHaveLength(0);
  });
});

describe('MinKMS listeners stopped under load', () => {
  it('loses no operation while one lives', async () => {
    const pair = await startPair(
      { listeners: 3, keys: ['my-key'] },
      { requestTimeoutMs: 2_000, cooldownMs: 200 },
    );
    const total = 300;
    let started = 0;
    let succeeded = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (started < total) {
        started++;
        const context = { n: String(started) };
        try {
          const key = await pair.kms.generateKey({ name: 'my-key', context });
          const plaintext = await pair.kms.decrypt({
            name: 'my-key',
            ciphertext: key.ciphertext,
            version: key.version,
            context,
          });
          if (Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))) succeeded++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    let failedAttempts = 0;
    const unsubscribe = subscribeKmsCalls((event) => {
      if (event.clientId !== pair.kms.id) return;
      failedAttempts += event.attempts.filter((attempt) => attempt.outcome === 'failure').length;
    });
    const load = Promise.all(Array.from({ length: 16 }, worker));
    await new Promise((resolve) => setTimeout(resolve, 150));
    await pair.server.stop(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await pair.server.stop(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    await pair.server.start(0);
    await load;
    unsubscribe();
    await pair.close();
    expect(started).toBe(total);
    expect(failedAttempts).toBeGreaterThan(0);
    expect(failures).toEqual([]);
    expect(succeeded).toBe(total);
  });
});
