import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestPki } from '../src/certs.js';
import { type KesClientCredentials, type KesTestServer, startKesServer } from '../src/kes/index.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends one request with Node's own HTTPS client and a fresh connection. */
function call(
  server: KesTestServer,
  method: string,
  path: string,
  options: {
    body?: string;
    credentials?: Partial<KesClientCredentials>;
    listener?: number;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  const url = new URL(server.endpoints[options.listener ?? 0]!);
  const credentials = options.credentials ?? server.admin;
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        ca: server.ca,
        cert: credentials.cert,
        key: credentials.key,
        agent: false,
        timeout: options.timeoutMs ?? 5_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () =>
      request.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })),
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the request to fail');
}

describe('KES v0.22 behaviour', () => {
  let server: KesTestServer;
  beforeAll(async () => {
    server = await startKesServer({ version: 'v0.22' });
  });
  afterAll(() => server.close());

  it('labels version JSON as text', async () => {
    const answer = await call(server, 'GET', '/version');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body.endsWith('}\n')).toBe(true);
    expect(JSON.parse(answer.body).version).toBe('v0.22.3');
  });

  it('creates keys with POST only', async () => {
    expect((await call(server, 'POST', '/v1/key/create/app-key1')).status).toBe(200);
    const again = await call(server, 'POST', '/v1/key/create/app-key1');
    expect(again.status).toBe(400);
    expect(again.body).toBe('{"message":"key already exists"}');
    expect(again.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(again.headers['x-content-type-options']).toBe('nosniff');
    const put = await call(server, 'PUT', '/v1/key/create/app-key2');
    expect(put.status).toBe(405);
    expect(put.headers.accept).toBe('POST');
  });

  it('needs a body for generate', async () => {
    expect(await call(server, 'POST', '/v1/key/generate/app-key1')).toMatchObject({
      status: 500,
      body: '{"message":"EOF"}',
    });
    const ok = await call(server, 'POST', '/v1/key/generate/app-key1', { body: '{}' });
    expect(ok.status).toBe(200);
    const key = JSON.parse(ok.body);
    expect(Buffer.from(key.plaintext, 'base64').length).toBe(32);
    expect(Buffer.from(key.ciphertext, 'base64')[0]).toBe(0x95);
  });

  it('answers malformed bodies with 500', async () => {
    const padding = await call(server, 'POST', '/v1/key/generate/app-key1', {
      body: '{"context":"e30"}',
    });
    expect(padding.status).toBe(500);
    expect(JSON.parse(padding.body).message).toMatch(/^illegal base64 data at input byte \d+$/);
    const truncated = await call(server, 'POST', '/v1/key/generate/app-key1', {
      body: '{"context":',
    });
    expect(truncated).toMatchObject({ status: 500, body: '{"message":"unexpected EOF"}' });
  });

  it('round-trips with the context', async () => {
    const key = JSON.parse(
      (await call(server, 'POST', '/v1/key/generate/app-key1', { body: '{"context":"e30="}' }))
        .body,
    );
    const right = await call(server, 'POST', '/v1/key/decrypt/app-key1', {
      body: JSON.stringify({ ciphertext: key.ciphertext, context: 'e30=' }),
    });
    expect(JSON.parse(right.body).plaintext).toBe(key.plaintext);
    const omitted = await call(server, 'POST', '/v1/key/decrypt/app-key1', {
      body: JSON.stringify({ ciphertext: key.ciphertext }),
    });
    expect(omitted).toMatchObject({
      status: 400,
      body: '{"message":"decryption failed: ciphertext is not authentic"}',
    });
  });

  it('lists by glob as NDJSON', async () => {
    await call(server, 'POST', '/v1/key/create/other');
    const all = await call(server, 'GET', '/v1/key/list/*');
    expect(all.headers['content-type']).toBe('application/x-ndjson');
    expect(all.body).toBe('{"name":"app-key1"}\n{"name":"other"}\n');
    expect((await call(server, 'GET', '/v1/key/list/app-*')).body).toBe('{"name":"app-key1"}\n');
    const none = await call(server, 'GET', '/v1/key/list/app-');
    expect(none).toMatchObject({ status: 200, body: '' });
    expect(none.headers['content-type']).toBeUndefined();
    expect(await call(server, 'GET', '/v1/key/list/')).toMatchObject({
      status: 400,
      body: '{"message":"pattern is empty"}',
    });
  });

  it('words name errors three ways', async () => {
    expect(JSON.parse((await call(server, 'POST', '/v1/key/create/a.b')).body).message).toBe(
      'invalid argument: name contains invalid character',
    );
    expect(
      JSON.parse((await call(server, 'POST', `/v1/key/create/${'a'.repeat(81)}`)).body).message,
    ).toBe('invalid argument: name is too long');
    expect(JSON.parse((await call(server, 'POST', '/v1/key/create/%20')).body).message).toBe(
      'invalid argument: name is empty',
    );
    expect((await call(server, 'POST', '/v1/key/create/%20trimmed')).status).toBe(200);
    expect(server.keyNames()).toContain('trimmed');
    expect((await call(server, 'POST', '/v1/key/create/-dash-')).status).toBe(200);
  });

  it('describes keys as text', async () => {
    const answer = await call(server, 'GET', '/v1/key/describe/app-key1');
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    const info = JSON.parse(answer.body);
    expect(info).toMatchObject({
      name: 'app-key1',
      algorithm: 'AES256-GCM_SHA256',
      created_by: server.admin.identity,
    });
    expect(typeof info.id).toBe('string');
    expect((await call(server, 'GET', '/v1/key/describe/missing')).status).toBe(404);
  });

  it('imports the v0.22 body only', async () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    const newer = await call(server, 'POST', '/v1/key/import/imported', {
      body: JSON.stringify({ key, cipher: 'AES256' }),
    });
    expect(newer).toMatchObject({ status: 400, body: '{"message":"invalid key size"}' });
    const body = JSON.stringify({ bytes: key, algorithm: 'AES256-GCM_SHA256' });
    expect((await call(server, 'POST', '/v1/key/import/imported', { body })).status).toBe(200);
  });

  it('lacks HMAC and unknown paths', async () => {
    for (const path of ['/v1/key/hmac/app-key1', '/v1/unknown']) {
      const answer = await call(server, 'PUT', path, { body: '{"message":"AA=="}' });
      expect(answer.status).toBe(501);
      expect(answer.body).toBe('not implemented');
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });

  it('deletes missing keys', async () => {
    expect((await call(server, 'DELETE', '/v1/key/delete/never-created')).status).toBe(200);
  });

  it('rejects clients without a trusted certificate', async () => {
    expect(
      (
        await failure(
          call(server, 'GET', '/version', { credentials: { cert: undefined, key: undefined } }),
        )
      ).code,
    ).toMatch(/ERR_SSL|ECONNRESET/);
    const stranger = await (await createTestPki()).issueClient('stranger');
    expect(
      (await failure(call(server, 'GET', '/version', { credentials: stranger }))).code,
    ).toMatch(/ERR_SSL|ECONNRESET/);
  });
});

describe('newer KES behaviour', () => {
  let server: KesTestServer;
  beforeAll(async () => {
    server = await startKesServer({ listeners: 2 });
  });
  afterEach(() => server.clearFaults());
  afterAll(() => server.close());

  it('accepts PUT and POST', async () => {
    expect((await call(server, 'PUT', '/v1/key/create/app-key1')).status).toBe(200);
    expect((await call(server, 'POST', '/v1/key/create/app-key2')).status).toBe(200);
    const get = await call(server, 'GET', '/v1/key/generate/app-key1');
    expect(get.status).toBe(405);
    expect(get.headers.accept).toBe('PUT');
  });

  it('generates without a body', async () => {
    const answer = await call(server, 'PUT', '/v1/key/generate/app-key1');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(Buffer.from(JSON.parse(answer.body).ciphertext, 'base64').length).toBe(76);
  });

  it('words name errors once', async () => {
    for (const name of ['-dash', '_', 'a.b']) {
      const answer = await call(server, 'PUT', `/v1/key/create/${name}`);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).message).toBe(
        `key name '${name}' is empty, too long or contains invalid characters`,
      );
    }
  });

  it('lists JSON by literal prefix', async () => {
    const all = await call(server, 'GET', '/v1/key/list/*');
    expect(JSON.parse(all.body)).toEqual({ names: ['app-key1', 'app-key2'], continue_at: '' });
    expect(JSON.parse((await call(server, 'GET', '/v1/key/list/app-key')).body).names).toEqual([
      'app-key1',
      'app-key2',
    ]);
    expect(JSON.parse((await call(server, 'GET', '/v1/key/list/app-*')).body).names).toEqual([]);
  });

  it('computes an HMAC', async () => {
    const body = '{"message":"cm9vdCBhY2Nlc3Mga2V5"}';
    const first = JSON.parse(
      (await call(server, 'PUT', '/v1/key/hmac/app-key1', { body })).body,
    ).hmac;
    const second = JSON.parse(
      (await call(server, 'PUT', '/v1/key/hmac/app-key1', { body, listener: 1 })).body,
    ).hmac;
    expect(Buffer.from(first, 'base64').length).toBe(32);
    expect(second).toBe(first);
  });

  it('reports status and APIs', async () => {
    const status = JSON.parse((await call(server, 'GET', '/v1/status')).body);
    expect(status.version).toBe('2025-03-12T09-35-18Z');
    expect(Number.isInteger(status.uptime)).toBe(true);
    const routes = JSON.parse((await call(server, 'GET', '/v1/api')).body);
    expect(routes).toContainEqual({
      method: 'PUT',
      path: '/v1/key/hmac/',
      max_body: 1 << 20,
      timeout: 15,
    });
  });

  it('requires a client certificate', async () => {
    const answer = await call(server, 'GET', '/v1/status', {
      credentials: { cert: undefined, key: undefined },
    });
    expect(answer).toMatchObject({
      status: 400,
      body: '{"message":"tls: client certificate is required"}',
    });
    expect(
      (await call(server, 'GET', '/version', { credentials: { cert: undefined, key: undefined } }))
        .status,
    ).toBe(200);
  });

  it('authorizes by policy', async () => {
    server.setPolicy('reader', {
      allow: ['/v1/key/generate/app-*', '/v1/key/decrypt/app-*'],
      deny: ['/v1/key/generate/app-key2'],
    });
    const reader = await server.issueClient('reader', { policy: 'reader' });
    const stranger = await (await createTestPki()).issueClient('stranger');
    expect(
      (await call(server, 'PUT', '/v1/key/generate/app-key1', { credentials: reader })).status,
    ).toBe(200);
    expect(
      (await call(server, 'PUT', '/v1/key/generate/app-key2', { credentials: reader })).status,
    ).toBe(403);
    expect(
      (await call(server, 'PUT', '/v1/key/create/app-key3', { credentials: reader })).status,
    ).toBe(403);
    const denied = await call(server, 'PUT', '/v1/key/generate/app-key1', {
      credentials: stranger,
    });
    expect(denied).toMatchObject({
      status: 403,
      body: '{"message":"not authorized: insufficient permissions"}',
    });
    const log = server.requests.at(-1)!;
    expect(log.authorized).toBe(false);
    expect(log.identity).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shares keys across listeners', async () => {
    const key = JSON.parse(
      (await call(server, 'PUT', '/v1/key/generate/app-key1', { body: '{"context":"e30="}' })).body,
    );
    const body = JSON.stringify({ ciphertext: key.ciphertext, context: 'e30=' });
    const answer = await call(server, 'PUT', '/v1/key/decrypt/app-key1', { body, listener: 1 });
    expect(JSON.parse(answer.body).plaintext).toBe(key.plaintext);
  });
});

describe('fault injection', () => {
  let server: KesTestServer;
  beforeAll(async () => {
    server = await startKesServer({ listeners: 2, keys: { 'my-key': new Uint8Array(32) } });
  });
  afterEach(() => server.clearFaults());
  afterAll(() => server.close());

  it('applies a status per listener', async () => {
    const fault = server.inject(
      { kind: 'status', status: 503, message: 'unavailable' },
      { listener: 1, times: 1 },
    );
    expect((await call(server, 'GET', '/version', { listener: 0 })).status).toBe(200);
    expect(await call(server, 'GET', '/version', { listener: 1 })).toMatchObject({
      status: 503,
      body: '{"message":"unavailable"}',
    });
    expect((await call(server, 'GET', '/version', { listener: 1 })).status).toBe(200);
    expect(fault.hits).toBe(1);
  });

  it('matches paths', async () => {
    server.inject({ kind: 'status', status: 502 }, { path: '/v1/key/generate/' });
    server.inject({ kind: 'status', status: 504 }, { path: /^\/v1\/status$/ });
    expect((await call(server, 'PUT', '/v1/key/generate/my-key')).status).toBe(502);
    expect((await call(server, 'GET', '/v1/status')).status).toBe(504);
    expect((await call(server, 'GET', '/version')).status).toBe(200);
  });

  it('closes, hangs and delays', async () => {
    server.inject({ kind: 'close' }, { times: 1 });
    expect((await failure(call(server, 'GET', '/version'))).code).toBe('ECONNRESET');
    server.inject({ kind: 'hang' }, { times: 1 });
    expect((await failure(call(server, 'GET', '/version', { timeoutMs: 200 }))).code).toBe(
      'TIMEOUT',
    );
    server.inject({ kind: 'delay', ms: 150 }, { times: 1 });
    const started = performance.now();
    expect((await call(server, 'GET', '/version')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('handles before closing', async () => {
    server.inject({ kind: 'close-after-handling' }, { times: 1 });
    await failure(call(server, 'PUT', '/v1/key/create/made-anyway'));
    expect(server.keyNames()).toContain('made-anyway');
  });

  it('sends malformed answers', async () => {
    server.inject({ kind: 'oversized', bytes: 2_000_000 }, { times: 1 });
    expect((await call(server, 'GET', '/version')).body.length).toBe(2_000_000);
    server.inject({ kind: 'malformed-json' }, { times: 1 });
    const malformed = await call(server, 'GET', '/version');
    expect(() => JSON.parse(malformed.body)).toThrow();
    server.inject({ kind: 'content-type', contentType: 'text/html' }, { times: 1 });
    expect((await call(server, 'GET', '/version')).headers['content-type']).toBe('text/html');
    server.inject({ kind: 'redirect', location: 'https://elsewhere.example/' }, { times: 1 });
    const redirect = await call(server, 'GET', '/version');
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe('https://elsewhere.example/');
  });

  it('tracks open connections', async () => {
    server.clearRequests();
    await call(server, 'GET', '/version');
    const connection = server.requests[0]!.connection;
    expect(connection).toBeGreaterThan(0);
    const deadline = Date.now() + 2_000;
    while (server.connectionOpen(connection) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.connectionOpen(connection)).toBe(false);
  });

  it('logs the fault', async () => {
    server.clearRequests();
    server.inject({ kind: 'status', status: 500 }, { times: 1 });
    await call(server, 'GET', '/version');
    expect(server.requests[0]).toMatchObject({
      path: '/version',
      status: 500,
      fault: 'status',
      identity: server.admin.identity,
    });
  });
});

describe('listeners', () => {
  let server: KesTestServer;
  beforeAll(async () => {
    server = await startKesServer({ listeners: 3 });
  });
  afterAll(() => server.close());

  it('stops and restarts one', async () => {
    const port = new URL(server.endpoints[1]!).port;
    await server.stop(1);
    expect(server.listenerState(1)).toBe('stopped');
    expect((await failure(call(server, 'GET', '/version', { listener: 1 }))).code).toBe(
      'ECONNREFUSED',
    );
    expect((await call(server, 'GET', '/version', { listener: 0 })).status).toBe(200);
    await server.start(1);
    expect(new URL(server.endpoints[1]!).port).toBe(port);
    expect((await call(server, 'GET', '/version', { listener: 1 })).status).toBe(200);
  });

  it('turns one into a black hole', async () => {
    await server.blackHole(2);
    expect(server.listenerState(2)).toBe('black-hole');
    const url = new URL(server.endpoints[2]!);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05, 1, 0, 0, 1, 0]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(received).toEqual([]);
    expect(server.connections(2)).toBe(1);
    socket.destroy();
    await server.start(2);
    expect((await call(server, 'GET', '/version', { listener: 2 })).status).toBe(200);
  });

  it('rejects an unknown index', () => {
    expect(() => server.stop(7)).toThrow(RangeError);
  });
});
