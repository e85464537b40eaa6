import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, startPair } from './helpers.js';

describe('MinKMS malformed answers', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] }, { requestTimeoutMs: 5_000 });
  });
  afterEach(() => pair.server.clearFaults());
  afterAll(() => pair.close());

  const cases = [
    {
      fault: { type: 'malformed-frame', variant: 'wrong-command' },
      message: /frame of command 208, expected command 207/,
    },
    {
      fault: { type: 'malformed-frame', variant: 'truncated' },
      message: /declares \d+ bytes but only/,
    },
    {
      fault: { type: 'malformed-frame', variant: 'trailing-data' },
      message: /2 frames, expected one frame/,
    },
    { fault: { type: 'chunked' }, message: /no valid Content-Length/ },
    {
      fault: { type: 'content-type', contentType: 'text/html' },
      message: /Content-Type "text\/html"/,
    },
    { fault: { type: 'oversized' }, message: /exceeds `maxResponseBytes`/ },
    {
      fault: { type: 'redirect' },
      message:
        /redirect to "https:\/\/127\.0\.0\.1:1\/v1\/kms\/kmskit"; redirects are not followed/,
    },
    {
      fault: { type: 'response', status: 200, contentType: 'application/octet-stream', body: '' },
      message: /empty body/,
    },
  ] as const;
  for (const { fault, message } of cases) {
    const label = 'variant' in fault ? fault.variant : fault.type;
    it(`rejects ${label} answers`, async () => {
      pair.server.inject(fault, { route: 'command' });
      const started = performance.now();
      const error = await rejectionOf(pair.kms.generateKey({ name: 'my-key' }));
      expect(error.code).toBe('kms:InvalidResponse');
      expect(error.status).toBe(502);
      expect(error.message).toMatch(message);
      expect(performance.now() - started).toBeLessThan(3_000);
    });
  }

  it('rejects an invalid protobuf message', async () => {
    const body = Buffer.from('00cf00000002ffff', 'hex');
    pair.server.inject({
      type: 'response',
      status: 200,
      contentType: 'application/octet-stream',
      body,
    });
    const error = await rejectionOf(pair.kms.generateKey({ name: 'my-key' }));
    expect(error.code).toBe('kms:InvalidResponse');
    expect(error.message).toMatch(/not valid protobuf/);
  });

  it('rejects a wrong-length data key', async () => {
    const body = Buffer.from('00cf0000000608011202abcd', 'hex');
    pair.server.inject({
      type: 'response',
      status: 200,
      contentType: 'application/octet-stream',
      body,
    });
    const error = await rejectionOf(pair.kms.generateKey({ name: 'my-key' }));
    expect(error.code).toBe('kms:InvalidResponse');
    expect(error.message).toMatch(/plaintext of 2 bytes/);
  });

  it('accepts an empty create response', async () => {
    pair.server.inject({ type: 'response', status: 200, body: '' }, { route: 'command', times: 1 });
    await pair.kms.createKey({ name: 'empty-response' });
    expect(pair.server.requests.at(-1)?.commands).toEqual([201]);
  });

  it('waits out a short delay', async () => {
    pair.server.inject({ type: 'delay', ms: 200 }, { times: 1 });
    const key = await pair.kms.generateKey({ name: 'my-key' });
    expect(key.plaintext).toHaveLength(32);
  });

  it('reports a closed socket', async () => {
    pair.server.inject({ type: 'close' }, { times: 1 });
    const error = await rejectionOf(pair.kms.generateKey({ name: 'my-key' }));
    expect(error.code).toBe('kms:KeyGenerationFailed');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/cannot reach MinKMS endpoint/);
  });

  it('parses text and JSON error bodies', async () => {
    const bodies = [
      { contentType: 'text/plain', body: 'key does not exist' },
      { contentType: 'application/problem+json', body: '{"message":"key does not exist"}' },
      { contentType: 'application/json', body: 'key does not exist' },
    ];
    for (const { contentType, body } of bodies) {
      pair.server.inject({ type: 'response', status: 404, contentType, body }, { times: 1 });
      const error = await rejectionOf(pair.kms.generateKey({ name: 'my-key' }));
      expect(error.code).toBe('kms:KeyNotFound');
    }
  });

  it('reads a 400 key-not-found message', async () => {
    pair.server.inject(
      { type: 'status', status: 400, message: 'key does not exist' },
      { times: 1 },
    );
    const error = await rejectionOf(pair.kms.generateKey({ name: 'my-key' }));
    expect(error.code).toBe('kms:KeyNotFound');
  });
});
