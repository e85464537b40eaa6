import { createKMS, decodeContext, InvalidKeyNameError, KmsError } from '@kmskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kesKeyPath, pathEscape } from '../src/index.js';
import { collectListPages, pageOfNames } from '../src/kes-list.js';
import { parseListResponse } from '../src/kes-wire.js';
import { type KesPair, rejection, startPair, vectorsOf } from './helpers.js';

describe('kes_path_escape vectors', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair();
  });
  afterAll(() => pair.close());

  it('builds the reference paths', () => {
    let count = 0;
    for (const vector of vectorsOf('kes_path_escape')) {
      count++;
      const api = (vector.inputs.api as string).replace('/v1/key/', '') as 'create';
      const name = vector.inputs.name as string;
      expect(kesKeyPath(api, name), vector.name).toBe(vector.expected.path);
      expect(kesKeyPath('list', name), vector.name).toBe(vector.expected.list_path);
    }
    expect(count).toBe(7);
  });

  it('rejects invalid names without a request', async () => {
    let count = 0;
    for (const vector of vectorsOf('kes_path_escape')) {
      const expected = vector.kmskit_expected;
      if (!expected) continue;
      count++;
      const before = pair.server.requests.length;
      const error = await rejection(pair.kms.createKey({ name: vector.inputs.name as string }));
      expect(KmsError.isInstance(error), vector.name).toBe(true);
      expect(error.code, vector.name).toBe(expected.code);
      expect(error.status, vector.name).toBe(expected.status);
      expect(pair.server.requests.length > before, vector.name).toBe(expected.request_sent);
    }
    expect(count).toBe(7);
  });

  it('checks names on every key API', async () => {
    const client = pair.connector.client;
    const before = pair.server.requests.length;
    const calls = [
      client.createKey('a/b'),
      client.importKey('a/b', new Uint8Array(32)),
      client.describeKey('..'),
      client.deleteKey('-edge-'),
      client.generateKey('my key', new Uint8Array(2)),
      client.encrypt('ключ', new Uint8Array(1), new Uint8Array(2)),
      client.decrypt('a%2Fb', new Uint8Array(1), new Uint8Array(2)),
      client.hmac('x'.repeat(300), new Uint8Array(1)),
    ];
    for (const call of calls) expect(await rejection(call)).toBeInstanceOf(InvalidKeyNameError);
    expect(pair.server.requests.length).toBe(before);
  });

  it('escapes like Go PathEscape', () => {
    expect(pathEscape('a b/c*d%e$f&g+h:i=j@k~l')).toBe('a%20b%2Fc%2Ad%25e$f&g+h:i=j@k~l');
    expect(pathEscape('ü')).toBe('%C3%BC');
  });
});

describe('kes_request_body vectors', () => {
  let pair: KesPair;
  beforeAll(async () => {
    pair = await startPair({}, { defaultKeyId: 'minio-default-key' });
    await pair.kms.createKey({ name: 'minio-default-key' });
    await pair.kms.createKey({ name: 'my-key' });
  });
  afterAll(() => pair.close());

  it('sends the reference bodies', async () => {
    let count = 0;
    for (const vector of vectorsOf('kes_request_body')) {
      count++;
      const inputs = vector.inputs;
      const expected = vector.kmskit_expected ?? vector.expected;
      const name = inputs.key_name as string;
      const context =
        inputs.context_utf8 === null || inputs.context_utf8 === undefined
          ? undefined
          : decodeContext(Buffer.from(inputs.context_utf8 as string, 'utf8'));
      pair.server.clearRequests();
      switch (inputs.operation) {
        case 'GenerateKey':
          await pair.kms.generateKey({ name, context });
          break;
        case 'Encrypt':
          await pair.connector.client.encrypt(
            name,
            Buffer.from(inputs.plaintext_utf8 as string),
            Buffer.from(inputs.context_utf8 as string),
          );
          break;
        case 'HMAC':
          await pair.kms.mac({ name, message: Buffer.from(inputs.message_utf8 as string) });
          break;
        default:
          throw new Error(`unknown operation ${inputs.operation}`);
      }
      const request = pair.server.requests.at(-1)!;
      const method = inputs.operation === 'HMAC' ? 'PUT' : 'POST';
      expect(request.method, vector.name).toBe(method);
      expect(request.path, vector.name).toBe(inputs.path);
      expect(request.body, vector.name).toBe(expected.body);
    }
    expect(count).toBe(5);
  });

  it('sends the empty context encoded', async () => {
    pair.server.clearRequests();
    await createKMS({ connector: pair.connector }).generateKey({ name: 'my-key', context: {} });
    expect(pair.server.requests.at(-1)?.body).toBe('{"context":"e30="}');
  });
});

describe('list response parsing', () => {
  it('reads NDJSON lines', () => {
    const body = '{"name":"b"}\n{"name":"a"}\n';
    expect(parseListResponse(body, 'application/x-ndjson', 'list')).toEqual({
      names: ['b', 'a'],
      continueAt: '',
    });
  });

  it('reads a one-line NDJSON body', () => {
    expect(parseListResponse('{"name":"a"}\n', 'text/plain', 'list')).toEqual({
      names: ['a'],
      continueAt: '',
    });
  });

  it('reads JSON with continue_at', () => {
    const body = '{"names":["a","b"],"continue_at":"c","extra":1}\n';
    expect(parseListResponse(body, 'application/json', 'list')).toEqual({
      names: ['a', 'b'],
      continueAt: 'c',
    });
  });

  it('reads an empty body', () => {
    expect(parseListResponse('', '', 'list')).toEqual({ names: [], continueAt: '' });
  });

  it('returns NDJSON error lines', () => {
    expect(
      parseListResponse('{"name":"a"}\n{"error":"disk failed"}\n', 'application/x-ndjson', 'list'),
    ).toEqual({
      error: 'disk failed',
    });
  });

  it('rejects a malformed body', () => {
    expect(() => parseListResponse('{"names":[1]}', 'application/json', 'list')).toThrow(
      /not an array of strings/,
    );
    expect(() => parseListResponse('{"names":', 'application/json', 'list')).toThrow(
      /not valid JSON/,
    );
  });
});

describe('client-side listing', () => {
  const names = ['b', 'a', '\u{10002}', '\uFF61', 'é', 'B', 'app-2', 'app-1'];

  it('sorts by UTF-8 bytes', () => {
    expect(pageOfNames(names, '', '', 0).names).toEqual([
      'B',
      'a',
      'app-1',
      'app-2',
      'b',
      'é',
      '\uFF61',
      '\u{10002}',
    ]);
  });

  it('filters by prefix', () => {
    expect(pageOfNames(names, 'app-', '', 0)).toEqual({
      names: ['app-1', 'app-2'],
      continueAt: '',
    });
  });

  it('pages with limit and continueAt', () => {
    const first = pageOfNames(names, '', '', 3);
    expect(first).toEqual({ names: ['B', 'a', 'app-1'], continueAt: 'app-2' });
    const second = pageOfNames(names, '', first.continueAt, 3);
    expect(second).toEqual({ names: ['app-2', 'b', 'é'], continueAt: '\uFF61' });
    const third = pageOfNames(names, '', second.continueAt, 3);
    expect(third).toEqual({ names: ['\uFF61', '\u{10002}'], continueAt: '' });
  });

  it('follows continue_at once per value', async () => {
    const requested: string[] = [];
    const pages: Record<string, { names: string[]; continueAt: string }> = {
      '*': { names: ['a', 'b'], continueAt: 'c' },
      c: { names: ['c', 'b'], continueAt: 'c' },
    };
    const collected = await collectListPages(async (pattern) => {
      requested.push(pattern);
      return pages[pattern]!;
    });
    expect(requested).toEqual(['*', 'c']);
    expect(collected.sort()).toEqual(['a', 'b', 'c']);
  });
});
