import { createKMS, InvalidKeyNameError } from '@kmskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMinkmsConnector } from '../src/index.js';
import { connectTo, operation, rejectionOf, startPair } from './helpers.js';

const BAD_NAMES = [
  'a/b',
  'a%2Fb',
  'my key',
  'ключ',
  '-edge-',
  '..',
  '',
  'a'.repeat(300),
  'a:b',
  '_',
];
const AD = new TextEncoder().encode('{}');

describe('MinKMS name checks', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] });
  });
  afterAll(() => pair.close());

  it('rejects bad key names without requests', async () => {
    pair.server.clearRequests();
    let count = 0;
    for (const name of BAD_NAMES) {
      for (const call of [pair.kms.createKey({ name }), pair.kms.generateKey({ name })]) {
        const error = await rejectionOf(call);
        expect(InvalidKeyNameError.isInstance(error), JSON.stringify(name)).toBe(true);
        expect(error.code).toBe('kms:InvalidKeyName');
        expect(error.status).toBe(400);
        count++;
      }
    }
    expect(count).toBe(BAD_NAMES.length * 2);
    expect(pair.server.requests).toHaveLength(0);
  });

  it('checks names in every connector operation', async () => {
    pair.server.clearRequests();
    const options = operation();
    const calls = [
      pair.connector.createKey({ name: '..' }, options),
      pair.connector.deleteKey({ name: '..' }, options),
      pair.connector.generateKey({ name: 'a/b', associatedData: AD }, options),
      pair.connector.decrypt(
        { name: 'a/b', version: 0, ciphertext: new Uint8Array(80), associatedData: AD },
        options,
      ),
      pair.connector.mac({ name: '', message: new Uint8Array(1) }, options),
    ];
    for (const call of calls) expect((await rejectionOf(call)).code).toBe('kms:InvalidKeyName');
    expect(options.attempts).toHaveLength(0);
    expect(pair.server.requests).toHaveLength(0);
  });

  it('rejects an enclave with a slash', () => {
    for (const enclave of ['a/b', '..', 'a b', '%2F']) {
      let error: unknown;
      try {
        connectTo(pair.server, { enclave });
      } catch (caught) {
        error = caught;
      }
      expect(InvalidKeyNameError.isInstance(error), enclave).toBe(true);
      expect((error as Error).message).toContain('invalid enclave name');
    }
  });

  it('accepts the longest valid name', async () => {
    const name = `k${'_'.repeat(78)}k`;
    await pair.kms.createKey({ name });
    const key = await pair.kms.generateKey({ name });
    expect(key.keyId).toBe(name);
  });

  it('checks the empty name against the default', async () => {
    const connector = createMinkmsConnector({
      endpoints: pair.server.endpoints,
      enclave: pair.server.enclave,
      apiKey: pair.server.apiKey,
      ca: pair.server.ca,
    });
    const error = await rejectionOf(createKMS({ connector }).generateKey({ name: '' }));
    await connector.close();
    expect(error.code).toBe('kms:InvalidKeyName');
  });
});
