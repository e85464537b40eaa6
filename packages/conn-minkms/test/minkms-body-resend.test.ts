import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, startPair } from './helpers.js';

describe('MinKMS request body on failover', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ listeners: 2, keys: ['my-key'] });
  });
  afterAll(() => pair.close());

  it('re-sends an identical body', async () => {
    pair.server.clearRequests();
    pair.server.inject({ type: 'close' }, { times: 1, route: 'command' });
    const ciphertext = randomBytes(200);
    const error = await rejectionOf(
      pair.kms.decrypt({ name: 'my-key', ciphertext, context: { bucket: 'bucket/object' } }),
    );

    const [first, second] = pair.server.requests;
    expect(pair.server.requests).toHaveLength(2);
    expect(first?.fault).toBe('close');
    expect(second?.listener).not.toBe(first?.listener);
    expect(second?.bodySha256).toBe(first?.bodySha256);
    expect(second?.bodyLength).toBe(first?.bodyLength);
    expect(second?.contentLength).toBe(second?.bodyLength);
    expect(first?.bodyLength).toBeGreaterThan(200);
    expect(error.code).toBe('kms:InvalidCiphertextException');
  });

  it('decrypts through the second endpoint', async () => {
    const context = { bucket: 'bucket/object' };
    const key = await pair.kms.generateKey({ name: 'my-key', context });
    pair.server.clearRequests();
    pair.server.inject({ type: 'close' }, { times: 1, route: 'command' });
    const plaintext = await pair.kms.decrypt({
      name: 'my-key',
      ciphertext: key.ciphertext,
      context,
    });
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
    expect(pair.server.requests[1]?.bodySha256).toBe(pair.server.requests[0]?.bodySha256);
  });
});
