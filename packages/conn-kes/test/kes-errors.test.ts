import { KeyExistsError, type KMS, KmsError } from '@kmskit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type KesPair, rejection, startPair, vectorsOf } from './helpers.js';

const API_OF: Record<string, string> = {
  GenerateKey: '/v1/key/generate/',
  CreateKey: '/v1/key/create/',
  Decrypt: '/v1/key/decrypt/',
  MAC: '/v1/key/hmac/',
};

function call(kms: KMS, operation: string): Promise<unknown> {
  switch (operation) {
    case 'GenerateKey':
      return kms.generateKey({ name: 'my-key' });
    case 'CreateKey':
      return kms.createKey({ name: 'my-key' });
    case 'Decrypt':
      return kms.decrypt({ name: 'my-key', ciphertext: new Uint8Array(76) });
    case 'MAC':
      return kms.mac({ name: 'my-key', message: new Uint8Array(4) });
    default:
      throw new Error(`unknown operation ${operation}`);
  }
}

describe('kes_error_mapping vectors', () => {
  for (const endpoints of [1, 3]) {
    describe(`with ${endpoints} endpoints`, () => {
      let pair: KesPair;
      beforeAll(async () => {
        // No cool-down, so that each vector starts with every endpoint available.
        pair = await startPair({ listeners: endpoints }, { cooldownMs: 0 });
      });
      afterEach(() => pair.server.clearFaults());
      afterAll(() => pair.close());

      it('maps every vector', async () => {
        let count = 0;
        for (const vector of vectorsOf('kes_error_mapping')) {
          count++;
          const inputs = vector.inputs;
          const expected = vector.kmskit_expected!;
          pair.server.clearFaults();
          pair.server.clearRequests();
          pair.server.inject(
            {
              kind: 'status',
              status: inputs.http_status as number,
              body: inputs.body as string,
              contentType: inputs.content_type as string,
            },
            { path: API_OF[inputs.operation as string] },
          );
          const error = await rejection(call(pair.kms, inputs.operation as string));
          expect(KmsError.isInstance(error), vector.name).toBe(true);
          expect(error.code, vector.name).toBe(expected.code);
          expect(error.status, vector.name).toBe(expected.status);
          expect(error.retryable, vector.name).toBe(expected.retryable);
          // 5xx responses fail over to every endpoint once; everything else ends the call at once.
          const failsOver = (inputs.http_status as number) >= 500 && inputs.http_status !== 501;
          expect(pair.server.requests.length, vector.name).toBe(failsOver ? endpoints : 1);
        }
        expect(count).toBe(11);
      });
    });
  }
});

describe('key exists across versions', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({ listeners: 2 });
  });
  afterEach(() => pair.server.clearFaults());
  afterAll(() => pair.close());

  const ensureKey = async (kms: KMS, name: string) => {
    try {
      await kms.createKey({ name });
    } catch (error) {
      if (!KeyExistsError.isInstance(error)) throw error;
    }
  };

  for (const [status, message] of [
    [400, 'key already exists'],
    [400, 'key does already exist'],
    [409, 'key already exists'],
    [409, 'key does already exist'],
  ] as const) {
    it(`maps ${status} "${message}"`, async () => {
      pair.server.inject({ kind: 'status', status, message }, { path: '/v1/key/create/' });
      const error = await rejection(pair.kms.createKey({ name: 'my-key' }));
      expect(KeyExistsError.isInstance(error)).toBe(true);
      expect(error.status).toBe(409);
      await expect(ensureKey(pair.kms, 'my-key')).resolves.toBeUndefined();
    });
  }

  it('keeps an unknown 400 apart', async () => {
    pair.server.inject(
      { kind: 'status', status: 400, message: 'invalid request body' },
      { path: '/v1/key/create/' },
    );
    const error = await rejection(pair.kms.createKey({ name: 'my-key' }));
    expect(error.code).toBe('kms:KeyCreationFailed');
    expect(error.status).toBe(400);
    expect(error.retryable).toBe(false);
    await expect(ensureKey(pair.kms, 'my-key')).rejects.toMatchObject({
      code: 'kms:KeyCreationFailed',
    });
  });

  it('maps the real server answer', async () => {
    await ensureKey(pair.kms, 'real-key');
    const error = await rejection(pair.kms.createKey({ name: 'real-key' }));
    expect(KeyExistsError.isInstance(error)).toBe(true);
    await expect(ensureKey(pair.kms, 'real-key')).resolves.toBeUndefined();
  });
});

describe('other server answers', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({ listeners: 2 });
    await pair.kms.createKey({ name: 'my-key' });
  });
  afterEach(() => pair.server.clearFaults());
  afterAll(() => pair.close());

  it('maps a 400 invalid name', async () => {
    pair.server.inject(
      { kind: 'status', status: 400, message: 'invalid argument: name contains invalid character' },
      { path: '/v1/key/generate/' },
    );
    expect((await rejection(pair.kms.generateKey({ name: 'my-key' }))).code).toBe(
      'kms:InvalidKeyName',
    );
  });

  it('maps a route 404 to failure', async () => {
    pair.server.inject(
      { kind: 'status', status: 404, body: '404 page not found', contentType: 'text/plain' },
      { path: '/v1/key/generate/' },
    );
    const error = await rejection(pair.kms.generateKey({ name: 'my-key' }));
    expect(error.code).toBe('kms:KeyGenerationFailed');
    expect(error.status).toBe(404);
  });

  it('returns malformed-request 500 at once', async () => {
    for (const message of ['EOF', 'unexpected EOF', 'illegal base64 data at input byte 3']) {
      pair.server.clearRequests();
      pair.server.inject(
        { kind: 'status', status: 500, message },
        { path: '/v1/key/decrypt/', times: 1 },
      );
      const error = await rejection(
        pair.kms.decrypt({ name: 'my-key', ciphertext: new Uint8Array(76) }),
      );
      expect(error.code, message).toBe('kms:DecryptionFailed');
      expect(error.retryable, message).toBe(false);
      expect(pair.server.requests.length, message).toBe(1);
    }
  });

  it('maps a real decryption failure', async () => {
    const key = await pair.kms.generateKey({ name: 'my-key', context: { bucket: 'b/o' } });
    pair.server.clearRequests();
    const error = await rejection(
      pair.kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext, context: { bucket: 'b/x' } }),
    );
    expect(error.code).toBe('kms:InvalidCiphertextException');
    expect(pair.server.requests.length).toBe(1);
  });

  it('maps a real missing key', async () => {
    const error = await rejection(pair.kms.generateKey({ name: 'missing-key' }));
    expect(error.code).toBe('kms:KeyNotFound');
    expect(error.message).toContain('missing-key');
  });
});
