import { createHash, X509Certificate } from 'node:crypto';
import https from 'node:https';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestCertificate } from '../src/certs.js';
import { type MinkmsTestServer, startMinkmsServer } from '../src/index.js';
import {
  CreateKeyRequestSchema,
  DecryptRequestSchema,
  DecryptResponseSchema,
  ErrResponseSchema,
  GenerateKeyRequestSchema,
  GenerateKeyResponseSchema,
  ListKeysResponseSchema,
  ListRequestSchema,
  MACRequestSchema,
  MACResponseSchema,
  VersionResponseSchema,
} from '../src/minkms/gen/minio/kms/v1/kms_pb.js';
import { joinFrames, splitFrames } from '../src/minkms/minkms-frames.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends one request on a fresh connection. */
function send(
  endpoint: string,
  options: {
    path?: string;
    method?: string;
    body?: Buffer;
    contentType?: string;
    ca: string;
    client?: TestCertificate;
  },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${endpoint}${options.path ?? '/v1/kms/kmskit'}`,
      {
        method: options.method ?? 'POST',
        ca: options.ca,
        cert: options.client?.cert,
        key: options.client?.key,
        agent: false,
        headers: {
          accept: 'application/*',
          ...(options.body
            ? { 'content-type': options.contentType ?? 'application/octet-stream' }
            : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(options.body);
  });
}

const frame = (command: number, message: Uint8Array) => joinFrames([{ command, message }]);
const errorMessage = (answer: Answer) => fromBinary(ErrResponseSchema, answer.body).message;
const identityOf = (certificate: TestCertificate) =>
  `h1:${createHash('sha256')
    .update(new X509Certificate(certificate.cert).publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64url')}`;

describe('startMinkmsServer', () => {
  let server: MinkmsTestServer;
  let client: TestCertificate;
  const call = (
    options: Parameters<typeof send>[1] extends infer O ? Partial<O> : never,
    listener = 0,
  ) => send(server.endpoints[listener]!, { ca: server.ca, client, ...options });
  const generate = (name: string, version = 0) =>
    call({
      body: frame(
        207,
        toBinary(
          GenerateKeyRequestSchema,
          create(GenerateKeyRequestSchema, { name, version, length: 32 }),
        ),
      ),
    });
  const decrypt = (name: string, ciphertext: Uint8Array, version = 0) =>
    call({
      body: frame(
        206,
        toBinary(DecryptRequestSchema, create(DecryptRequestSchema, { name, version, ciphertext })),
      ),
    });

  beforeAll(async () => {
    server = await startMinkmsServer({ listeners: 2, keys: ['my-key'], listLimit: 2 });
    client = await server.pki.issueClient('test client');
    server.allowIdentity(identityOf(client));
  });
  afterEach(() => server.clearFaults());
  afterAll(() => server.close());

  it('returns the configuration', () => {
    expect(server.endpoints).toHaveLength(2);
    expect(server.endpoints[0]).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server.apiKey).toMatch(/^k1:[A-Za-z0-9_-]{43}$/);
    expect(server.identity).toMatch(/^h1:[A-Za-z0-9_-]{43}$/);
    expect(server.ca).toContain('BEGIN CERTIFICATE');
    expect(server.enclave).toBe('kmskit');
  });

  it('generates and decrypts data keys', async () => {
    const answer = await generate('my-key');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(Number(answer.headers['content-length'])).toBe(answer.body.length);
    const [response] = splitFrames(answer.body)!;
    expect(response?.command).toBe(207);
    const key = fromBinary(GenerateKeyResponseSchema, response!.message);
    expect(key.version).toBe(1);
    expect(key.plaintext).toHaveLength(32);
    expect(key.ciphertext).toHaveLength(4 + 32 + 16 + 28);
    expect(Buffer.from(key.ciphertext).readUInt32BE(0)).toBe(1);

    const opened = await decrypt('my-key', key.ciphertext, 1);
    const plaintext = fromBinary(
      DecryptResponseSchema,
      splitFrames(opened.body)![0]!.message,
    ).plaintext;
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext))).toBe(true);
  });

  it('responds to batched frames in order', async () => {
    const request = (name: string) =>
      toBinary(GenerateKeyRequestSchema, create(GenerateKeyRequestSchema, { name, length: 16 }));
    const answer = await call({
      body: joinFrames([
        { command: 207, message: request('my-key') },
        { command: 207, message: request('my-key') },
      ]),
    });
    const frames = splitFrames(answer.body)!;
    expect(frames.map((item) => item.command)).toEqual([207, 207]);
    expect(fromBinary(GenerateKeyResponseSchema, frames[1]!.message).plaintext).toHaveLength(16);
  });

  it('keeps old key versions', async () => {
    const old = fromBinary(
      GenerateKeyResponseSchema,
      splitFrames((await generate('my-key')).body)![0]!.message,
    );
    const added = server.addKeyVersion('my-key');
    const fresh = fromBinary(
      GenerateKeyResponseSchema,
      splitFrames((await generate('my-key')).body)![0]!.message,
    );
    expect(fresh.version).toBe(added);
    expect((await decrypt('my-key', old.ciphertext, 1)).status).toBe(200);
    expect((await decrypt('my-key', old.ciphertext, 0)).status).toBe(200);
    expect((await decrypt('my-key', fresh.ciphertext, added)).status).toBe(200);
    const wrong = await decrypt('my-key', fresh.ciphertext, 1);
    expect(wrong.status).toBe(400);
    expect(errorMessage(wrong)).toBe('invalid ciphertext');
    const missing = await decrypt('my-key', fresh.ciphertext, 99);
    expect(missing.status).toBe(404);
    expect(errorMessage(missing)).toBe('key version does not exist');
    expect(server.keyVersions('my-key')).toEqual([1, added]);
  });

  it('adds a version with add_version', async () => {
    server.createKey('versioned');
    const body = frame(
      201,
      toBinary(
        CreateKeyRequestSchema,
        create(CreateKeyRequestSchema, { name: 'versioned', addVersion: true }),
      ),
    );
    expect((await call({ body })).status).toBe(200);
    expect(server.keyVersions('versioned')).toEqual([1, 2]);
    const key = fromBinary(
      GenerateKeyResponseSchema,
      splitFrames((await generate('versioned')).body)![0]!.message,
    );
    expect(key.version).toBe(2);
  });

  it('returns MinKMS error codes', async () => {
    const createBody = frame(
      201,
      toBinary(CreateKeyRequestSchema, create(CreateKeyRequestSchema, { name: 'my-key' })),
    );
    const exists = await call({ body: createBody });
    expect(exists.status).toBe(409);
    expect(exists.headers['content-type']).toBe('application/octet-stream');
    expect(errorMessage(exists)).toBe('key already exists');

    const missing = await generate('no-key');
    expect(missing.status).toBe(404);
    expect(errorMessage(missing)).toBe('key does not exist');

    const enclave = await call({ path: '/v1/kms/nowhere', body: createBody });
    expect(enclave.status).toBe(404);
    expect(errorMessage(enclave)).toBe('enclave does not exist');

    expect((await call({ body: createBody, contentType: 'application/json' })).status).toBe(415);
    expect((await call({ body: Buffer.from('00c9000000ff', 'hex') })).status).toBe(400);
    expect((await call({ body: frame(209, new Uint8Array(0)) })).status).toBe(501);
    expect((await call({ body: Buffer.alloc(1024 * 1024 + 1) })).status).toBe(413);
  });

  it('authorizes by certificate identity', async () => {
    const stranger = await server.pki.issueClient('stranger');
    const denied = await send(server.endpoints[0]!, {
      ca: server.ca,
      client: stranger,
      body: frame(208, new Uint8Array(0)),
    });
    expect(denied.status).toBe(403);
    expect(errorMessage(denied)).toBe('access denied: insufficient permissions');

    const anonymous = await send(server.endpoints[0]!, {
      ca: server.ca,
      body: frame(208, new Uint8Array(0)),
    });
    expect(anonymous.status).toBe(403);
    const version = await send(server.endpoints[0]!, {
      ca: server.ca,
      path: '/version',
      method: 'GET',
    });
    expect(version.status).toBe(200);
    expect(fromBinary(VersionResponseSchema, version.body).apiVersion).toBe('v1');

    server.allowIdentity(identityOf(server.pki.ca), {});
    const asCa = await send(server.endpoints[0]!, {
      ca: server.ca,
      client: server.pki.ca,
      body: frame(208, new Uint8Array(0)),
    });
    expect(asCa.status).toBe(403);
  });

  it('limits identities to their commands', async () => {
    const limited = await server.pki.issueClient('limited');
    server.allowIdentity(identityOf(limited), { commands: ['KEY:LIST'] });
    const list = await send(server.endpoints[0]!, {
      ca: server.ca,
      client: limited,
      body: frame(208, new Uint8Array(0)),
    });
    const generateBody = frame(
      207,
      toBinary(GenerateKeyRequestSchema, create(GenerateKeyRequestSchema, { name: 'my-key' })),
    );
    const denied = await send(server.endpoints[0]!, {
      ca: server.ca,
      client: limited,
      body: generateBody,
    });
    expect(list.status).toBe(200);
    expect(denied.status).toBe(403);
  });

  it('pages key lists', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) server.createKey(name);
    const list = async (continueAt: string) => {
      const body = frame(
        208,
        toBinary(ListRequestSchema, create(ListRequestSchema, { prefix: 'page-', continueAt })),
      );
      return fromBinary(
        ListKeysResponseSchema,
        splitFrames((await call({ body })).body)![0]!.message,
      );
    };
    const first = await list('');
    expect(first.keys.map((key) => key.name)).toEqual(['page-a', 'page-b']);
    expect(first.continueAt).toBe('page-c');
    const second = await list(first.continueAt);
    expect(second.keys.map((key) => key.name)).toEqual(['page-c']);
    expect(second.continueAt).toBe('');
    expect(second.keys[0]?.type).toBe('AES256');
  });

  it('computes HMAC-SHA256', async () => {
    const body = frame(
      210,
      toBinary(
        MACRequestSchema,
        create(MACRequestSchema, { name: 'my-key', message: new Uint8Array([1]) }),
      ),
    );
    const answer = fromBinary(
      MACResponseSchema,
      splitFrames((await call({ body })).body)![0]!.message,
    );
    expect(answer.mac).toHaveLength(32);
    expect(answer.version).toBe(server.keyVersions('my-key').at(-1));
  });

  it('shares keys across listeners', async () => {
    const body = frame(
      201,
      toBinary(CreateKeyRequestSchema, create(CreateKeyRequestSchema, { name: 'shared' })),
    );
    expect((await call({ body }, 0)).status).toBe(200);
    expect((await call({ body }, 1)).status).toBe(409);
  });

  it('stops and restarts a listener', async () => {
    await server.stop(1);
    await expect(call({ path: '/version', method: 'GET' }, 1)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await server.start(1);
    expect((await call({ path: '/version', method: 'GET' }, 1)).status).toBe(200);
  });

  it('records request bodies', async () => {
    server.clearRequests();
    const body = frame(208, new Uint8Array(0));
    await call({ body }, 1);
    expect(server.requests).toEqual([
      expect.objectContaining({
        listener: 1,
        method: 'POST',
        path: '/v1/kms/kmskit',
        identity: identityOf(client),
        contentLength: 6,
        bodyLength: 6,
        bodySha256: createHash('sha256').update(body).digest('hex'),
        commands: [208],
      }),
    ]);
  });
});

describe('MinKMS server ports', () => {
  it('listens on a given port', async () => {
    const first = await startMinkmsServer();
    const port = Number(new URL(first.endpoints[0]!).port);
    await first.close();
    const second = await startMinkmsServer({ ports: [port] });
    await second.close();
    expect(second.endpoints).toEqual([`https://127.0.0.1:${port}`]);
  });

  it('rejects an invalid port', async () => {
    await expect(startMinkmsServer({ ports: [70_000] })).rejects.toThrow(
      /`ports` must hold integers/,
    );
  });
});

describe('MinKMS server faults', () => {
  let server: MinkmsTestServer;
  let client: TestCertificate;
  const version = (listener = 0) =>
    send(server.endpoints[listener]!, { ca: server.ca, client, path: '/version', method: 'GET' });

  beforeAll(async () => {
    server = await startMinkmsServer({ listeners: 2, errorFormat: 'json' });
    client = await server.pki.issueClient('fault client');
  });
  afterEach(() => server.clearFaults());
  afterAll(() => server.close());

  it('applies a fault a given number of times', async () => {
    const handle = server.inject(
      { type: 'status', status: 503, message: 'busy' },
      { times: 2, listener: 0 },
    );
    const answers = [await version(0), await version(1), await version(0), await version(0)];
    expect(answers.map((answer) => answer.status)).toEqual([503, 200, 503, 200]);
    expect(answers[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(answers[0]!.body.toString())).toEqual({ message: 'busy' });
    expect(handle.hits).toBe(2);
  });

  it('removes a fault', async () => {
    const handle = server.inject({ type: 'status', status: 500 });
    expect((await version()).status).toBe(500);
    handle.remove();
    expect((await version()).status).toBe(200);
  });

  it('closes the socket', async () => {
    server.inject({ type: 'close' }, { times: 1 });
    await expect(version()).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('delays the response', async () => {
    server.inject({ type: 'delay', ms: 150 }, { times: 1 });
    const started = performance.now();
    expect((await version()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('holds a black hole until stopped', async () => {
    server.inject({ type: 'blackhole' }, { times: 1, listener: 1 });
    const pending = version(1);
    const outcome = await Promise.race([
      pending.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('waiting'), 300)),
    ]);
    expect(outcome).toBe('waiting');
    await server.stop(1);
    await expect(pending).rejects.toBeDefined();
    await server.start(1);
  });

  it('alters the response', async () => {
    server.inject({ type: 'content-type', contentType: 'text/html' }, { times: 1 });
    expect((await version()).headers['content-type']).toBe('text/html');
    server.inject({ type: 'chunked' }, { times: 1 });
    const chunked = await version();
    expect(chunked.headers['content-length']).toBeUndefined();
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    server.inject({ type: 'redirect' }, { times: 1 });
    const redirect = await version();
    expect(redirect.status).toBe(307);
    expect(redirect.headers.location).toBe('https://127.0.0.1:1/version');
    server.inject({ type: 'response', status: 200, contentType: 'x/y', body: 'raw' }, { times: 1 });
    expect((await version()).body.toString()).toBe('raw');
  });

  it('corrupts frames', async () => {
    const admin = await server.pki.issueClient('admin');
    server.allowIdentity(identityOf(admin));
    const list = () =>
      send(server.endpoints[0]!, {
        ca: server.ca,
        client: admin,
        body: frame(208, new Uint8Array(0)),
      });
    server.inject({ type: 'malformed-frame', variant: 'wrong-command' }, { times: 1 });
    expect((await list()).body.readUInt16BE(0)).toBe(209);
    server.inject({ type: 'malformed-frame', variant: 'truncated' }, { times: 1 });
    expect(splitFrames((await list()).body)).toBeUndefined();
    server.inject({ type: 'malformed-frame', variant: 'trailing-data' }, { times: 1 });
    expect(splitFrames((await list()).body)).toHaveLength(2);
  });

  it('announces an oversized body', async () => {
    server.inject({ type: 'oversized', bytes: 200_000 }, { times: 1 });
    const answer = await version();
    expect(answer.headers['content-length']).toBe('200000');
    expect(answer.body).toHaveLength(200_000);
  });
});
