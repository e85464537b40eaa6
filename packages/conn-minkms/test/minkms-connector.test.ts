import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKMS } from '@kmskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMinkmsConnector } from '../src/index.js';
import { connectTo, operation, rejectionOf, startPair } from './helpers.js';

describe('MinKMS connector operations', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] }, { defaultKeyId: 'my-key' });
  });
  afterAll(() => pair.close());

  it('round-trips a data key', async () => {
    const context = { bucket: 'bucket/object' };
    const key = await pair.kms.generateKey({ context });
    const plaintext = await pair.kms.decrypt({
      name: 'my-key',
      ciphertext: key.ciphertext,
      context,
    });
    expect(key.keyId).toBe('my-key');
    expect(key.version).toBe(1);
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
  });

  it('sends the request as specified', async () => {
    pair.server.clearRequests();
    await pair.kms.generateKey({});
    const [request] = pair.server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe(`/v1/kms/${pair.server.enclave}`);
    expect(request?.contentType).toBe('application/octet-stream');
    expect(request?.contentLength).toBe(request?.bodyLength);
    expect(request?.commands).toEqual([207]);
    expect(request?.identity).toBe(pair.server.identity);
  });

  it('sends the empty context as {}', async () => {
    pair.server.clearRequests();
    const key = await pair.kms.generateKey({});
    await pair.kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext, context: {} });
    const wrong = await rejectionOf(
      pair.kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext, context: { a: 'b' } }),
    );
    expect(wrong.code).toBe('kms:InvalidCiphertextException');
    expect(wrong.status).toBe(400);
  });

  it('creates, lists and deletes keys', async () => {
    for (const name of ['list-c', 'list-a', 'list-b']) await pair.kms.createKey({ name });
    expect((await pair.kms.listKeys({ prefix: 'list-' })).names).toEqual([
      'list-a',
      'list-b',
      'list-c',
    ]);

    const first = await pair.kms.listKeys({ prefix: 'list-', limit: 2 });
    expect(first).toEqual({ names: ['list-a', 'list-b'], continueAt: 'list-c' });
    const second = await pair.kms.listKeys({
      prefix: 'list-',
      continueAt: first.continueAt,
      limit: 2,
    });
    expect(second).toEqual({ names: ['list-c'], continueAt: '' });

    await pair.kms.deleteKey({ name: 'list-b' });
    expect((await pair.kms.listKeys({ prefix: 'list-' })).names).toEqual(['list-a', 'list-c']);
    const missing = await rejectionOf(pair.kms.deleteKey({ name: 'list-b' }));
    expect(missing.code).toBe('kms:KeyNotFound');
  });

  it('deletes every key version', async () => {
    await pair.kms.createKey({ name: 'rotated' });
    pair.server.addKeyVersion('rotated');
    await pair.kms.deleteKey({ name: 'rotated' });
    expect(() => pair.server.keyVersions('rotated')).toThrow(/key does not exist/);
  });

  it('computes an HMAC with the latest version', async () => {
    const message = new TextEncoder().encode('root access key');
    const mac = await pair.kms.mac({ message });
    const latest = pair.server.store.keyVersion(pair.server.enclave, 'my-key', 0);
    expect(Buffer.from(mac).toString('hex')).toBe(
      createHmac('sha256', latest.key).update(message).digest('hex'),
    );
  });

  it('reports version and status', async () => {
    const version = await pair.kms.version();
    expect(version.version).toBe('2024-05-01T00-00-00Z');
    expect(version.endpoint).toBe(pair.server.endpoints[0]);
    const status = await pair.kms.status();
    expect(status.endpoints).toHaveLength(1);
    expect(status.endpoints[0]?.state).toBe('online');
    expect(status.endpoints[0]?.version).toBe('2024-05-01T00-00-00Z');
  });

  it('reports every attempt', async () => {
    const options = operation();
    await pair.connector.generateKey(
      { name: 'my-key', associatedData: new TextEncoder().encode('{}') },
      options,
    );
    expect(options.attempts).toHaveLength(1);
    expect(options.attempts[0]).toMatchObject({
      endpoint: pair.server.endpoints[0],
      outcome: 'success',
      status: 200,
    });
  });

  it('maps a missing key', async () => {
    const error = await rejectionOf(pair.kms.generateKey({ name: 'no-such-key' }));
    expect(error.code).toBe('kms:KeyNotFound');
    expect(error.status).toBe(404);
  });

  it('maps a missing enclave', async () => {
    const connector = connectTo(pair.server, { enclave: 'other-enclave' });
    const error = await rejectionOf(createKMS({ connector }).generateKey({ name: 'my-key' }));
    await connector.close();
    expect(error.code).toBe('kms:KeyGenerationFailed');
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/enclave 'other-enclave' does not exist/);
  });

  it('accepts a JSON /version answer', async () => {
    const body = JSON.stringify({ version: 'v-json', commit: 'c1', api_version: 'v1', host: 'h' });
    pair.server.inject(
      { type: 'response', status: 200, contentType: 'application/json; charset=utf-8', body },
      { route: 'version', times: 1 },
    );
    expect(await pair.kms.version()).toMatchObject({ version: 'v-json', commit: 'c1' });
  });
});

describe('MinKMS authorization', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] });
  });
  afterAll(() => pair.close());

  it('maps 403 for every operation', async () => {
    const limited = pair.server.createApiKey({ commands: ['KEY:STATUS'] });
    const connector = connectTo(pair.server, { apiKey: limited.apiKey });
    const kms = createKMS({ connector, defaultKeyId: 'my-key' });
    const calls = [
      kms.createKey({ name: 'x' }),
      kms.deleteKey({ name: 'my-key' }),
      kms.listKeys({}),
      kms.generateKey({}),
      kms.decrypt({ name: 'my-key', ciphertext: new Uint8Array(80) }),
      kms.mac({ message: new Uint8Array(1) }),
    ];
    for (const call of calls) {
      const error = await rejectionOf(call);
      expect(error.code).toBe('kms:NotAuthorized');
      expect(error.status).toBe(403);
      expect(error.message).toContain(limited.identity);
      expect(error.message).not.toContain(limited.apiKey.slice(3));
    }
    await connector.close();
  });

  it('rejects an unknown identity', async () => {
    const stranger = pair.server.createApiKey();
    pair.server.revokeIdentity(stranger.identity);
    const connector = connectTo(pair.server, { apiKey: stranger.apiKey });
    const error = await rejectionOf(createKMS({ connector }).generateKey({ name: 'my-key' }));
    await connector.close();
    expect(error.code).toBe('kms:NotAuthorized');
  });

  it('limits an identity to its enclaves', async () => {
    pair.server.createEnclave('other');
    pair.server.createKey('my-key', { enclave: 'other' });
    const scoped = pair.server.createApiKey({ enclaves: ['other'] });
    const own = connectTo(pair.server, { apiKey: scoped.apiKey, enclave: 'other' });
    const foreign = connectTo(pair.server, { apiKey: scoped.apiKey });
    await createKMS({ connector: own }).generateKey({ name: 'my-key' });
    const error = await rejectionOf(
      createKMS({ connector: foreign }).generateKey({ name: 'my-key' }),
    );
    await own.close();
    await foreign.close();
    expect(error.code).toBe('kms:NotAuthorized');
  });
});

describe('MinKMS server certificates', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] });
  });
  afterAll(() => pair.close());

  it('rejects an untrusted server', async () => {
    const connector = createMinkmsConnector({
      endpoints: pair.server.endpoints,
      enclave: pair.server.enclave,
      apiKey: pair.server.apiKey,
    });
    const error = await rejectionOf(createKMS({ connector }).generateKey({ name: 'my-key' }));
    await connector.close();
    expect(error.code).toBe('kms:TLSError');
    expect(error.message).toMatch(/TLS handshake/);
  });

  it('trusts a CA file and directory', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmskit-minkms-ca-'));
    try {
      writeFileSync(join(directory, 'ca.pem'), pair.server.ca);
      writeFileSync(join(directory, 'README'), 'not a certificate');
      for (const caPath of [join(directory, 'ca.pem'), directory]) {
        const connector = connectTo(pair.server, { ca: undefined, caPath });
        const key = await createKMS({ connector }).generateKey({ name: 'my-key' });
        await connector.close();
        expect(key.ciphertext.length).toBeGreaterThan(0);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('rejects a CA path without certificates', () => {
    const directory = mkdtempSync(join(tmpdir(), 'kmskit-minkms-empty-'));
    try {
      expect(() => connectTo(pair.server, { caPath: directory })).toThrow(
        /contains no PEM certificate/,
      );
      expect(() => connectTo(pair.server, { caPath: join(directory, 'missing.pem') })).toThrow(
        /ENOENT/,
      );
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('MinKMS connector options', () => {
  const base = {
    endpoints: ['127.0.0.1:7373'],
    enclave: 'e',
    apiKey: 'k1:d7cY_5k8HbBGkZpoy2hGmvkxg83QDBXsA_nFXDfTk2E',
  };

  it('normalises endpoints to HTTPS', () => {
    const connector = createMinkmsConnector({
      ...base,
      endpoints: [' http://a.example:7373 ', 'https://b.example:7373/', 'a.example:7373'],
    });
    expect(connector.endpoints).toEqual(['https://a.example:7373', 'https://b.example:7373']);
  });

  it('rejects bad options', () => {
    expect(() => createMinkmsConnector({ ...base, endpoints: [] })).toThrow(TypeError);
    expect(() => createMinkmsConnector({ ...base, endpoints: ['https://a:1/path'] })).toThrow(
      /without a path/,
    );
    expect(() => createMinkmsConnector({ ...base, apiKey: 'kes:v1:abc' })).toThrow(
      /option `apiKey`/,
    );
    expect(() => createMinkmsConnector({ ...base, enclave: undefined as never })).toThrow(
      /option `enclave`/,
    );
    expect(() => createMinkmsConnector({ ...base, requestTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createMinkmsConnector({ ...base, cooldownMs: -1 })).toThrow(RangeError);
    expect(() => createMinkmsConnector({ ...base, ca: 'not pem' })).toThrow(/option `ca`/);
  });

  it('rejects a bad default key', () => {
    let code: unknown;
    try {
      createMinkmsConnector({ ...base, defaultKeyId: 'a/b' });
    } catch (error) {
      code = (error as { code?: unknown }).code;
    }
    expect(code).toBe('kms:InvalidKeyName');
  });

  it('accepts the empty enclave', () => {
    expect(createMinkmsConnector({ ...base, enclave: '' }).enclave).toBe('');
  });
});
