import { describe, expect, it } from 'vitest';
import { type KmsCallEvent, subscribeKmsCalls } from '../src/diagnostics.js';
import {
  CanceledError,
  InvalidCiphertextError,
  InvalidContextError,
  InvalidKeyNameError,
  InvalidResponseError,
  KmsError,
  KmsTimeoutError,
  NotAuthorizedError,
} from '../src/errors.js';
import { createKMS } from '../src/kms.js';
import { fakeConnector, untilAborted } from './helpers.js';

describe('KMS generateKey', () => {
  it('rejects an empty plaintext', async () => {
    const kms = createKMS({
      connector: fakeConnector({
        generateKey: async () => ({ plaintext: new Uint8Array(0), ciphertext: new Uint8Array(16) }),
      }),
    });
    const error = await kms.generateKey({ name: 'my-key' }).catch((e) => e);
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.code).toBe('kms:InvalidResponse');
    expect(error.message).toContain("'my-key'");
    expect(error.message).toContain('0 bytes');
  });

  it('rejects a 64-byte plaintext', async () => {
    const kms = createKMS({
      connector: fakeConnector({
        generateKey: async () => ({
          plaintext: new Uint8Array(64),
          ciphertext: new Uint8Array(16),
        }),
      }),
    });
    await expect(kms.generateKey({ name: 'my-key' })).rejects.toThrow(/64 bytes, expected 32/);
  });

  it('rejects an empty ciphertext and zeroes the plaintext', async () => {
    const plaintext = new Uint8Array(32).fill(9);
    const kms = createKMS({
      connector: fakeConnector({
        generateKey: async () => ({ plaintext, ciphertext: new Uint8Array(0) }),
      }),
    });
    await expect(kms.generateKey({ name: 'my-key' })).rejects.toThrow(/empty ciphertext/);
    expect(plaintext.every((b) => b === 0)).toBe(true);
  });

  it('passes connector errors through unchanged', async () => {
    const denied = new NotAuthorizedError('not authorized: insufficient permissions');
    const kms = createKMS({
      connector: fakeConnector({ generateKey: async () => Promise.reject(denied) }),
    });
    await expect(kms.generateKey({ name: 'my-key' })).rejects.toBe(denied);
  });

  it('falls back to the default key', async () => {
    const names: string[] = [];
    const kms = createKMS({
      connector: fakeConnector({
        generateKey: async ({ name }) => {
          names.push(name);
          return { plaintext: new Uint8Array(32), ciphertext: Uint8Array.of(1), version: 4 };
        },
        mac: async ({ name }) => {
          names.push(name);
          return new Uint8Array(32);
        },
      }),
    });
    const key = await kms.generateKey();
    await kms.generateKey({ name: '' });
    await kms.mac({ message: Uint8Array.of(1) });
    expect(names).toEqual(['default-key', 'default-key', 'default-key']);
    expect(key.keyId).toBe('default-key');
    expect(key.version).toBe(4);
  });

  it('requires a key without a default', async () => {
    const kms = createKMS({ connector: { ...fakeConnector(), defaultKeyId: undefined } });
    await expect(kms.generateKey()).rejects.toThrow(InvalidKeyNameError);
    await expect(kms.mac({ message: Uint8Array.of(1) })).rejects.toThrow(/no default key/);
  });

  it('passes the encoded context', async () => {
    let seen = '';
    const kms = createKMS({
      connector: fakeConnector({
        generateKey: async ({ associatedData }) => {
          seen = Buffer.from(associatedData).toString();
          return { plaintext: new Uint8Array(32), ciphertext: Uint8Array.of(1) };
        },
      }),
    });
    await kms.generateKey({ context: { b: '2', a: '<1>' } });
    expect(seen).toBe('{"a":"\\u003c1\\u003e","b":"2"}');
    await kms.generateKey();
    expect(seen).toBe('{}');
    await expect(kms.generateKey({ context: { a: '\uD800' } })).rejects.toThrow(
      InvalidContextError,
    );
  });
});

describe('KMS input checks', () => {
  const kms = createKMS({ connector: fakeConnector() });

  it('rejects bad decrypt arguments', async () => {
    await expect(kms.decrypt({ name: '', ciphertext: Uint8Array.of(1) })).rejects.toThrow(
      InvalidKeyNameError,
    );
    await expect(
      kms.decrypt({ name: 'k', ciphertext: 'abc' as unknown as Uint8Array }),
    ).rejects.toThrow(TypeError);
    await expect(kms.decrypt({ name: 'k', ciphertext: new Uint8Array(0) })).rejects.toThrow(
      InvalidCiphertextError,
    );
    await expect(
      kms.decrypt({ name: 'k', ciphertext: Uint8Array.of(1), version: -1 }),
    ).rejects.toThrow(RangeError);
  });

  it('rejects a signal of another type', async () => {
    const signal = 'x' as unknown as AbortSignal;
    const error = await kms.generateKey({}, { signal }).catch((e) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('generateKey: `signal` must be an AbortSignal, got string');
    expect(kms.metrics().operations.generateKey.failure).toBe(0);
    expect(kms.metrics().operations.generateKey.error).toBe(1);
  });

  it('maps prefix * to all keys', async () => {
    let prefix = 'unset';
    const listing = createKMS({
      connector: fakeConnector({
        listKeys: async (request) => {
          prefix = request.prefix;
          return { names: ['a'], continueAt: '' };
        },
      }),
    });
    expect(await listing.listKeys({ prefix: '*' })).toEqual({ names: ['a'], continueAt: '' });
    expect(prefix).toBe('');
    await expect(listing.listKeys({ limit: -1 })).rejects.toThrow(RangeError);
  });

  it('rejects connectors of another version', () => {
    expect(() =>
      createKMS({ connector: { ...fakeConnector(), specificationVersion: 'v2' as 'v1' } }),
    ).toThrow(/unsupported connector specificationVersion "v2"/);
    expect(() => createKMS({ connector: { ...fakeConnector(), mac: undefined as never } })).toThrow(
      /`mac`/,
    );
  });
});

describe('KMS cancellation and deadline', () => {
  it('fails at once when already aborted', async () => {
    let called = false;
    const kms = createKMS({
      connector: fakeConnector({
        generateKey: async () => {
          called = true;
          return { plaintext: new Uint8Array(32), ciphertext: Uint8Array.of(1) };
        },
      }),
    });
    await expect(kms.generateKey({}, { signal: AbortSignal.abort() })).rejects.toThrow(
      CanceledError,
    );
    expect(called).toBe(false);
    expect(kms.metrics().operations.generateKey.canceled).toBe(1);
    expect(kms.metrics().total.failure).toBe(0);
  });

  it('stops a hanging connector on abort', async () => {
    const kms = createKMS({ connector: fakeConnector({ decrypt: () => new Promise(() => {}) }) });
    const controller = new AbortController();
    const pending = kms.decrypt(
      { name: 'k', ciphertext: Uint8Array.of(1) },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    const started = Date.now();
    const error = await pending.catch((e) => e);
    expect(CanceledError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(kms.metrics().operations.decrypt).toMatchObject({ canceled: 1, error: 0, failure: 0 });
  });

  it('aborts the connector signal', async () => {
    let reason: unknown;
    const kms = createKMS({
      connector: fakeConnector({
        decrypt: async (_, { signal }) => {
          await untilAborted(signal).catch((e) => {
            reason = e;
          });
          return new Uint8Array(0);
        },
      }),
      timeoutMs: 30,
    });
    const error = await kms.decrypt({ name: 'k', ciphertext: Uint8Array.of(1) }).catch((e) => e);
    expect(KmsTimeoutError.isInstance(error)).toBe(true);
    expect(error.status).toBe(504);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(KmsTimeoutError.isInstance(reason)).toBe(true);
    expect(kms.metrics().operations.decrypt.failure).toBe(1);
  });
});

describe('KMS metrics and events', () => {
  it('counts outcomes by operation', async () => {
    const kms = createKMS({
      connector: fakeConnector({
        decrypt: async () => {
          throw new InvalidCiphertextError('bad');
        },
        mac: async () => {
          throw new Error('socket exploded');
        },
      }),
    });
    await kms.generateKey();
    await kms.decrypt({ name: 'k', ciphertext: Uint8Array.of(1) }).catch(() => {});
    const wrapped = await kms.mac({ message: Uint8Array.of(1) }).catch((e) => e);
    expect(KmsError.isInstance(wrapped)).toBe(true);
    expect(wrapped.code).toBe('kms:MACFailed');
    expect(wrapped.cause).toBeInstanceOf(Error);

    const { operations, total } = kms.metrics();
    expect(operations.generateKey.success).toBe(1);
    expect(operations.decrypt.error).toBe(1);
    expect(operations.mac.failure).toBe(1);
    expect(total).toMatchObject({ success: 1, error: 1, failure: 1, canceled: 0 });
    expect(total.latency.at(-1)).toBe(3);
  });

  it('publishes one event per call', async () => {
    const events: KmsCallEvent[] = [];
    const unsubscribe = subscribeKmsCalls((event) => events.push(event));
    const kms = createKMS({
      connector: fakeConnector({
        decrypt: async (_, { reportAttempt }) => {
          reportAttempt?.({
            endpoint: 'https://a',
            outcome: 'failure',
            status: 503,
            durationMs: 1,
          });
          reportAttempt?.({ endpoint: 'https://b', outcome: 'error', status: 404, durationMs: 1 });
          throw new InvalidCiphertextError('bad');
        },
      }),
    });
    try {
      await kms.decrypt({ name: 'k', ciphertext: Uint8Array.of(1) }).catch(() => {});
    } finally {
      unsubscribe();
    }
    const mine = events.filter((event) => event.clientId === kms.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      operation: 'decrypt',
      connectorType: 'fake',
      outcome: 'error',
      errorCode: 'kms:InvalidCiphertextException',
      status: 400,
    });
    expect(mine[0]!.attempts.map((a) => a.endpoint)).toEqual(['https://a', 'https://b']);
  });
});
