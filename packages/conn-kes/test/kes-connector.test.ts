import {
  createKMS,
  InvalidResponseError,
  KeyExistsError,
  type KMS,
  KmsTimeoutError,
  NotSupportedError,
} from '@kmskit/core';
import { type KesTestServer, startKesServer } from '@kmskit/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createKesConnector,
  KES_CAPABILITIES,
  type KesConnector,
  kesConnector,
} from '../src/index.js';
import { connectTo, type KesPair, operation, rejection, startPair, waitFor } from './helpers.js';

describe('kesConnector definition', () => {
  it('declares its type and capabilities', () => {
    expect(kesConnector.type).toBe('kes');
    expect(kesConnector.kind).toBe('kes');
    expect(kesConnector.packageName).toBe('@kmskit/conn-kes');
    expect(KES_CAPABILITIES).toEqual({
      createKey: true,
      deleteKey: true,
      listKeys: true,
      mac: true,
      keyVersions: false,
      deleteMissingKey: 'succeeds',
    });
  });
});

describe('option checks', () => {
  const apiKey = 'kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc';
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['missing endpoints', { apiKey }, /option `endpoints`/],
    ['empty endpoints', { endpoints: [], apiKey }, /option `endpoints`/],
    ['http endpoint', { endpoints: 'http://kes:7373', apiKey }, /requires https/],
    ['endpoint with user', { endpoints: 'https://u:p@kes:7373', apiKey }, /user name and password/],
    ['endpoint with query', { endpoints: 'https://kes:7373/?a=b', apiKey }, /query and fragment/],
    [
      'duplicate endpoint',
      { endpoints: ['https://kes:7373', 'https://kes:7373/'], apiKey },
      /twice/,
    ],
    ['no credentials', { endpoints: 'https://kes:7373' }, /no client credentials/],
    [
      'api key with cert',
      { endpoints: 'https://kes:7373', apiKey, certFile: '/x' },
      /excludes `certFile`/,
    ],
    ['bad api key', { endpoints: 'https://kes:7373', apiKey: 'kes:v1:AAAA' }, /option `apiKey`/],
    ['cert without key', { endpoints: 'https://kes:7373', cert: 'PEM' }, /`key` or `keyFile`/],
    [
      'unreadable cert file',
      { endpoints: 'https://kes:7373', certFile: '/nonexistent', key: 'PEM' },
      /ENOENT/,
    ],
    [
      'bad default key',
      { endpoints: 'https://kes:7373', apiKey, defaultKeyId: 'a/b' },
      /`defaultKeyId`/,
    ],
    [
      'bad timeout',
      { endpoints: 'https://kes:7373', apiKey, requestTimeoutMs: 0 },
      /`requestTimeoutMs`/,
    ],
    ['bad cooldown', { endpoints: 'https://kes:7373', apiKey, cooldownMs: -1 }, /`cooldownMs`/],
    [
      'bad connections',
      { endpoints: 'https://kes:7373', apiKey, maxConnections: 1.5 },
      /`maxConnections`/,
    ],
    ['bad ca', { endpoints: 'https://kes:7373', apiKey, ca: 'nothing' }, /option `ca`/],
  ];
  for (const [name, options, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => createKesConnector(options as never)).toThrow(message);
    });
  }

  it('expands ellipsis endpoints', () => {
    const connector = createKesConnector({
      endpoints: 'https://kes{1...3}.example.net:7373, https://kes9.example.net:7373/',
      apiKey,
    });
    expect(connector.endpoints).toEqual([
      'https://kes1.example.net:7373',
      'https://kes2.example.net:7373',
      'https://kes3.example.net:7373',
      'https://kes9.example.net:7373',
    ]);
  });

  it('keeps the API key out of messages', () => {
    const secret = 'AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDR!';
    try {
      createKesConnector({ endpoints: 'https://kes:7373', apiKey: `kes:v1:${secret}` });
      throw new Error('expected a failure');
    } catch (error) {
      expect((error as Error).message).not.toContain(secret.slice(0, 20));
    }
  });
});

for (const version of ['v0.22', 'latest'] as const) {
  describe(`${version} server`, () => {
    let pair: KesPair;
    beforeAll(async () => {
      pair = await startPair({ version });
      for (const name of ['app-2', 'app-1', 'b-key', 'B-key', 'my-key'])
        await pair.kms.createKey({ name });
    });
    afterAll(() => pair.close());

    it('lists with prefix and pages', async () => {
      pair.server.clearRequests();
      expect(await pair.kms.listKeys()).toEqual({
        names: ['B-key', 'app-1', 'app-2', 'b-key', 'my-key'],
        continueAt: '',
      });
      expect(pair.server.requests.at(-1)?.path).toBe('/v1/key/list/%2A');
      expect(await pair.kms.listKeys({ prefix: 'app-' })).toEqual({
        names: ['app-1', 'app-2'],
        continueAt: '',
      });
      const first = await pair.kms.listKeys({ limit: 2 });
      expect(first).toEqual({ names: ['B-key', 'app-1'], continueAt: 'app-2' });
      const second = await pair.kms.listKeys({ limit: 2, continueAt: first.continueAt });
      expect(second).toEqual({ names: ['app-2', 'b-key'], continueAt: 'my-key' });
      expect(await pair.kms.listKeys({ prefix: 'none-' })).toEqual({ names: [], continueAt: '' });
    });

    it('lists in the server format', async () => {
      pair.server.clearRequests();
      await pair.kms.listKeys();
      const list = pair.server.requests.find((request) => request.path.startsWith('/v1/key/list/'));
      expect(list?.status).toBe(200);
      const response = await pair.connector.client.listKeys({ prefix: 'app-' });
      expect(response.names).toEqual(['app-1', 'app-2']);
    });

    it('deletes a missing key', async () => {
      await expect(pair.kms.deleteKey({ name: 'never-created' })).resolves.toBeUndefined();
    });

    it('imports with the version body', async () => {
      pair.server.clearRequests();
      await pair.connector.client.importKey('imported-key', new Uint8Array(32).fill(7));
      const request = pair.server.requests.find(
        (entry) => entry.path === '/v1/key/import/imported-key',
      );
      const body = JSON.parse(request!.body);
      if (version === 'v0.22')
        expect(body).toEqual({
          bytes: Buffer.alloc(32, 7).toString('base64'),
          algorithm: 'AES256-GCM_SHA256',
        });
      else expect(body).toEqual({ key: Buffer.alloc(32, 7).toString('base64'), cipher: 'AES256' });
      const key = await pair.kms.generateKey({ name: 'imported-key' });
      expect(await pair.kms.decrypt({ name: 'imported-key', ciphertext: key.ciphertext })).toEqual(
        key.plaintext,
      );
      expect(
        (await rejection(pair.connector.client.importKey('imported-key', new Uint8Array(32)))).code,
      ).toBe('kms:KeyAlreadyExists');
    });

    it('computes or refuses a MAC', async () => {
      if (version === 'v0.22') {
        const error = await rejection(pair.kms.mac({ name: 'my-key', message: new Uint8Array(4) }));
        expect(NotSupportedError.isInstance(error)).toBe(true);
        expect(error.message).toMatch(/v0.23/);
        expect(pair.server.requests.at(-1)?.method).toBe('PUT');
        return;
      }
      const first = await pair.kms.mac({ name: 'my-key', message: Buffer.from('root access key') });
      const second = await pair.kms.mac({
        name: 'my-key',
        message: Buffer.from('root access key'),
      });
      expect(first.length).toBe(32);
      expect(first).toEqual(second);
    });

    it('sends a body for empty data', async () => {
      const key = await pair.connector.generateKey(
        { name: 'my-key', associatedData: new Uint8Array(0) },
        operation(),
      );
      expect(pair.server.requests.at(-1)?.body).toBe('{}');
      const plaintext = await pair.connector.decrypt(
        {
          name: 'my-key',
          version: 0,
          ciphertext: key.ciphertext,
          associatedData: new Uint8Array(0),
        },
        operation(),
      );
      expect(plaintext).toEqual(key.plaintext);
    });

    it('reads the other key APIs', async () => {
      const client = pair.connector.client;
      const info = await client.describeKey('my-key');
      expect(info.name).toBe('my-key');
      expect(info.algorithm).toBe(version === 'v0.22' ? 'AES256-GCM_SHA256' : 'AES256');
      expect(info.createdAt).toBeInstanceOf(Date);
      expect(info.createdBy).toBe(pair.server.admin.identity);
      expect((await rejection(client.describeKey('missing-key'))).code).toBe('kms:KeyNotFound');
      const ciphertext = await client.encrypt('my-key', Buffer.from('hello'), Buffer.from('{}'));
      expect(
        Buffer.from(await client.decrypt('my-key', ciphertext, Buffer.from('{}'))).toString(),
      ).toBe('hello');
      const routes = await client.apis();
      expect(routes.some((route) => route.path === '/v1/key/generate/')).toBe(true);
      expect((await client.serverStatus()).version).toBe(
        version === 'v0.22' ? 'v0.22.3' : '2025-03-12T09-35-18Z',
      );
      const info2 = await pair.kms.version();
      expect(info2.endpoint).toBe(pair.server.endpoints[0]);
      expect(info2.commit).toBe('kmskit-test-server');
    });
  });
}

describe('server idle timeout', () => {
  it('survives a closed idle connection', async () => {
    const pair = await startPair({ keepAliveTimeoutMs: 1_000 });
    await pair.kms.createKey({ name: 'my-key' });
    const key = await pair.kms.generateKey({});
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await pair.kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext })).toEqual(
      key.plaintext,
    );
    await pair.close();
  });
});

describe('connection limit', () => {
  it('caps connections at 128 by default', async () => {
    const server = await startKesServer();
    const kms = createKMS({ connector: connectTo(server) });
    try {
      await kms.createKey({ name: 'my-key' });
      // Each request waits, so 200 concurrent calls would need 200 connections without a cap.
      server.inject({ kind: 'delay', ms: 100 });
      let peak = 0;
      const sampler = setInterval(() => {
        peak = Math.max(peak, server.connections());
      }, 10);
      await Promise.all(Array.from({ length: 200 }, () => kms.generateKey({})));
      clearInterval(sampler);
      expect(peak).toBeGreaterThan(1);
      expect(peak).toBeLessThanOrEqual(128);
    } finally {
      await kms.close();
      await server.close();
    }
  });
});

describe('kept-alive connections', () => {
  let server: KesTestServer;
  let kms: KMS;
  let connector: KesConnector;
  beforeAll(async () => {
    server = await startKesServer();
  });
  beforeEach(async () => {
    // One connection, so that every call after the first reuses it.
    connector = connectTo(server, { maxConnections: 1 });
    kms = createKMS({ connector });
    await kms.createKey({ name: 'my-key' }).catch(() => {});
  });
  afterEach(async () => {
    server.clearFaults();
    await kms.close();
  });
  afterAll(() => server.close());

  it('retries once on a closed connection', async () => {
    const key = await kms.generateKey({});
    server.inject({ kind: 'close' }, { times: 1 });
    server.clearRequests();
    const options = operation();
    const plaintext = await connector.decrypt(
      { name: 'my-key', version: 0, ciphertext: key.ciphertext, associatedData: Buffer.from('{}') },
      options,
    );
    expect(plaintext).toEqual(key.plaintext);
    expect(server.requests.map((request) => request.fault)).toEqual(['close', undefined]);
    expect(options.attempts.map((attempt) => attempt.outcome)).toEqual(['failure', 'success']);
  });

  it('retries only once', async () => {
    await kms.generateKey({});
    server.inject({ kind: 'close' }, { times: 2 });
    server.clearRequests();
    const error = await rejection(kms.generateKey({}));
    expect(error.code).toBe('kms:KeyGenerationFailed');
    expect(server.requests.length).toBe(2);
  });

  it('survives a close after a response', async () => {
    server.inject({ kind: 'close-after-response' }, { times: 3 });
    for (let i = 0; i < 5; i++) await kms.generateKey({});
  });

  it('reports a repeated create as existing', async () => {
    await kms.generateKey({});
    server.inject({ kind: 'close-after-handling' }, { path: '/v1/key/create/', times: 1 });
    const error = await rejection(kms.createKey({ name: 'retried-key' }));
    expect(KeyExistsError.isInstance(error)).toBe(true);
    expect(server.keyNames()).toContain('retried-key');
  });

  it('does not retry a fresh connection', async () => {
    server.inject({ kind: 'close' }, { times: 1 });
    server.clearRequests();
    const fresh = createKMS({ connector: connectTo(server) });
    const error = await rejection(fresh.generateKey({}));
    expect(error.code).toBe('kms:KeyGenerationFailed');
    expect(server.requests.length).toBe(1);
    await fresh.close();
  });
});

describe('malformed answers', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({ listeners: 2 });
    await pair.kms.createKey({ name: 'my-key' });
  });
  afterEach(() => pair.server.clearFaults());
  afterAll(() => pair.close());

  it('rejects an oversized body', async () => {
    pair.server.inject({ kind: 'oversized' }, { path: '/v1/key/generate/', times: 1 });
    pair.server.clearRequests();
    const error = await rejection(pair.kms.generateKey({}));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('1048576 bytes');
    // The connection that carried the response is closed, not drained or left open.
    const connection = pair.server.requests[0]!.connection;
    await waitFor(() => !pair.server.connectionOpen(connection));
  });

  it('rejects malformed JSON', async () => {
    pair.server.inject({ kind: 'malformed-json' }, { path: '/v1/key/generate/' });
    const error = await rejection(pair.kms.generateKey({}));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('not valid JSON');
  });

  it('reads JSON under any type', async () => {
    pair.server.inject({ kind: 'content-type', contentType: 'text/html' });
    const key = await pair.kms.generateKey({});
    expect(await pair.kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext })).toEqual(
      key.plaintext,
    );
  });

  it('does not follow redirects', async () => {
    pair.server.inject({ kind: 'redirect', location: 'https://attacker.example/' });
    pair.server.clearRequests();
    const error = await rejection(pair.kms.generateKey({}));
    expect(InvalidResponseError.isInstance(error)).toBe(true);
    expect(error.message).toContain('307 redirect');
    expect(pair.server.requests.length).toBe(1);
  });

  it('waits for a slow answer', async () => {
    pair.server.inject({ kind: 'delay', ms: 300 }, { times: 1 });
    await pair.kms.generateKey({});
  });

  it('times out a slow attempt', async () => {
    pair.server.inject({ kind: 'delay', ms: 1_000 });
    const connector = connectTo(pair.server, { requestTimeoutMs: 200 });
    const error = await rejection(
      connector.generateKey({ name: 'my-key', associatedData: Buffer.from('{}') }, operation()),
    );
    expect(KmsTimeoutError.isInstance(error)).toBe(true);
    expect(error.message).toContain('requestTimeoutMs');
    await connector.close();
  });
});

describe('status and lifecycle', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({ listeners: 3 });
  });
  afterAll(() => pair.close());

  it('probes endpoints in parallel', async () => {
    await pair.server.stop(1);
    pair.server.inject({ kind: 'delay', ms: 400 }, { path: '/v1/status' });
    const started = performance.now();
    const status = await pair.kms.status();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(status.type).toBe('kes');
    expect(status.defaultKeyId).toBe('my-key');
    expect(status.endpoints.map((endpoint) => [endpoint.endpoint, endpoint.state])).toEqual([
      [pair.server.endpoints[0], 'online'],
      [pair.server.endpoints[1], 'offline'],
      [pair.server.endpoints[2], 'online'],
    ]);
    expect(status.endpoints[0]?.version).toBe('2025-03-12T09-35-18Z');
    expect(status.endpoints[1]?.error).toContain('ECONNREFUSED');
    pair.server.clearFaults();
    await pair.server.start(1);
  });

  it('fails calls after close', async () => {
    const connector = connectTo(pair.server);
    await connector.close();
    const error = await rejection(createKMS({ connector }).generateKey({}));
    expect(error.message).toMatch(/closed/);
  });
});
