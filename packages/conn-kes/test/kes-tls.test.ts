import { createPrivateKey } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createKMS, KmsTlsError, NotAuthorizedError } from '@kmskit/core';
import { createTestPki, type KesTestServer, startKesServer } from '@kmskit/testing';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKesConnector, kesIdentity } from '../src/index.js';
import { connectTo, rejection } from './helpers.js';

describe('certificate authentication', () => {
  let server: KesTestServer;
  let directory: string;
  beforeAll(async () => {
    server = await startKesServer({ version: 'v0.22' });
    directory = mkdtempSync(join(tmpdir(), 'kmskit-kes-tls-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const write = (name: string, text: string) => {
    const path = join(directory, name);
    writeFileSync(path, text, { mode: 0o600 });
    return path;
  };

  it('reads certificate and key files', async () => {
    const connector = createKesConnector({
      endpoints: server.endpoints,
      certFile: write('client.crt', server.admin.cert),
      keyFile: write('client.key', server.admin.key),
      caPath: write('ca.pem', server.ca),
    });
    expect(connector.identity).toBe(server.admin.identity);
    expect((await createKMS({ connector }).version()).version).toBe('v0.22.3');
    await connector.close();
  });

  it('decrypts an encrypted PKCS#8 key', async () => {
    const encrypted = createPrivateKey(server.admin.key)
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pkcs8 password' })
      .toString();
    expect(encrypted).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    const connector = connectTo(server, { key: encrypted, keyPassword: 'pkcs8 password' });
    await connector.createKey({ name: 'pkcs8-key' }, { signal: new AbortController().signal });
    expect(server.keyNames()).toContain('pkcs8-key');
    expect(inspect(connector, { depth: 10, showHidden: true })).not.toContain('pkcs8 password');
    expect(JSON.stringify(connector)).not.toContain('pkcs8 password');
    await connector.close();
  });

  it('decrypts a legacy encrypted key', async () => {
    const legacy = createPrivateKey(server.admin.key)
      .export({ format: 'pem', type: 'sec1', cipher: 'aes-128-cbc', passphrase: 'legacy password' })
      .toString();
    expect(legacy).toContain('Proc-Type: 4,ENCRYPTED');
    const connector = createKesConnector({
      endpoints: server.endpoints,
      certFile: write('legacy.crt', server.admin.cert),
      keyFile: write('legacy.key', legacy),
      keyPassword: 'legacy password',
      ca: server.ca,
    });
    await connector.createKey({ name: 'legacy-key' }, { signal: new AbortController().signal });
    expect(server.keyNames()).toContain('legacy-key');
    await connector.close();
  });

  it('rejects a wrong password', () => {
    const encrypted = createPrivateKey(server.admin.key)
      .export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'right password' })
      .toString();
    const attempt = () => connectTo(server, { key: encrypted, keyPassword: 'wrong password' });
    expect(attempt).toThrow(/`keyPassword` does not decrypt/);
    expect(() => connectTo(server, { key: encrypted })).toThrow(/is encrypted: set `keyPassword`/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toContain('wrong password');
    }
  });

  it('rejects a mismatched key', async () => {
    const other = await server.pki.issueClient('other');
    expect(() => connectTo(server, { key: other.key })).toThrow(
      /does not belong to the certificate/,
    );
  });

  it('rejects trailing data after the key', () => {
    expect(() => connectTo(server, { key: `${server.admin.key}garbage\n` })).toThrow(
      /exactly one PEM private key/,
    );
  });

  it('trusts a CA directory', async () => {
    const caDirectory = join(directory, 'cas');
    const unrelated = await createTestPki();
    mkdirSync(caDirectory);
    writeFileSync(join(caDirectory, 'a-unrelated.pem'), unrelated.ca.cert);
    writeFileSync(join(caDirectory, 'b-server.pem'), server.ca);
    writeFileSync(join(caDirectory, 'README'), 'not a certificate');
    const connector = createKesConnector({
      endpoints: server.endpoints,
      cert: server.admin.cert,
      key: server.admin.key,
      caPath: caDirectory,
    });
    expect((await createKMS({ connector }).version()).version).toBe('v0.22.3');
    await connector.close();
  });

  it('rejects an empty CA path', () => {
    const empty = join(directory, 'empty-ca.pem');
    writeFileSync(empty, '');
    expect(() => connectTo(server, { ca: undefined, caPath: empty })).toThrow(
      /contains no PEM certificate/,
    );
  });

  it('presents the identity on every request', async () => {
    const connector = connectTo(server);
    const kms = createKMS({ connector });
    server.clearRequests();
    await kms.createKey({ name: 'identity-key' });
    for (let i = 0; i < 5; i++) await kms.generateKey({ name: 'identity-key' });
    await kms.listKeys();
    await kms.status();
    expect(server.requests.length).toBeGreaterThanOrEqual(8);
    for (const request of server.requests) {
      expect(request.identity).toBe(server.admin.identity);
      expect(request.authorized).toBe(true);
    }
    await kms.close();
  });

  it('ignores the global dispatcher', async () => {
    const previous = getGlobalDispatcher();
    const broken = new Agent({
      connect: (_options, callback) => callback(new Error('the global dispatcher was used'), null),
    });
    setGlobalDispatcher(broken);
    try {
      const connector = connectTo(server);
      await createKMS({ connector }).generateKey({ name: 'identity-key' });
      await connector.close();
    } finally {
      setGlobalDispatcher(previous);
      await broken.close();
    }
  });
});

describe('API key authentication', () => {
  let server: KesTestServer;
  beforeAll(async () => {
    server = await startKesServer();
  });
  afterAll(() => server.close());

  it('presents the derived certificate', async () => {
    const connector = connectTo(server, { apiKey: server.apiKey });
    expect(connector.identity).toBe(server.apiKeyIdentity);
    const kms = createKMS({ connector });
    server.clearRequests();
    await kms.createKey({ name: 'api-key-key' });
    const key = await kms.generateKey({ name: 'api-key-key', context: { a: 'b' } });
    await kms.decrypt({ name: 'api-key-key', ciphertext: key.ciphertext, context: { a: 'b' } });
    expect(server.requests.length).toBe(3);
    for (const request of server.requests) expect(request.identity).toBe(server.apiKeyIdentity);
    await kms.close();
  });

  it('keeps the API key secret', () => {
    const connector = connectTo(server, { apiKey: server.apiKey });
    const secret = server.apiKey.slice('kes:v1:'.length);
    for (const output of [
      inspect(connector, { depth: 10, showHidden: true }),
      JSON.stringify(connector),
      String(connector),
      inspect(connector.client, { depth: 10, showHidden: true }),
    ]) {
      expect(output).not.toContain(secret);
    }
  });

  it('gets 403 for an unknown identity', async () => {
    const stranger = server.createApiKey();
    const connector = connectTo(server, { apiKey: stranger.apiKey });
    const kms = createKMS({ connector });
    const error = await rejection(kms.generateKey({ name: 'api-key-key' }));
    expect(NotAuthorizedError.isInstance(error)).toBe(true);
    expect(error.message).toContain(stranger.identity);
    const status = await kms.status();
    expect(status.endpoints.map((endpoint) => endpoint.state)).toEqual(['unauthorized']);
    await kms.close();
  });

  it('follows allow and deny policies', async () => {
    server.setPolicy('app', {
      allow: ['/v1/key/generate/app-*', '/v1/key/decrypt/app-*', '/v1/key/create/app-*'],
      deny: ['/v1/key/decrypt/app-secret'],
    });
    const client = server.createApiKey({ policy: 'app' });
    const kms = createKMS({ connector: connectTo(server, { apiKey: client.apiKey }) });
    await kms.createKey({ name: 'app-one' });
    await kms.createKey({ name: 'app-secret' });
    const key = await kms.generateKey({ name: 'app-secret' });
    expect(
      (await rejection(kms.decrypt({ name: 'app-secret', ciphertext: key.ciphertext }))).code,
    ).toBe('kms:NotAuthorized');
    expect((await rejection(kms.generateKey({ name: 'other' }))).code).toBe('kms:NotAuthorized');
    const own = await kms.generateKey({ name: 'app-one' });
    expect(await kms.decrypt({ name: 'app-one', ciphertext: own.ciphertext })).toEqual(
      own.plaintext,
    );
    await kms.close();
  });
});

describe('TLS failures', () => {
  let v022: KesTestServer;
  let latest: KesTestServer;
  beforeAll(async () => {
    v022 = await startKesServer({ version: 'v0.22' });
    latest = await startKesServer();
  });
  afterAll(async () => {
    await v022.close();
    await latest.close();
  });

  it('rejects an untrusted client certificate', async () => {
    const stranger = await (await createTestPki()).issueClient('stranger');
    const connector = connectTo(v022, { cert: stranger.cert, key: stranger.key });
    const kms = createKMS({ connector });
    const error = await rejection(kms.generateKey({ name: 'my-key' }));
    expect(KmsTlsError.isInstance(error)).toBe(true);
    expect((error as unknown as KmsTlsError).endpoint).toBe(v022.endpoints[0]);
    expect(error.message).toContain(kesIdentity(stranger.cert));
    const status = await kms.status();
    expect(status.endpoints[0]?.state).toBe('unauthorized');
    await kms.close();
  });

  it('rejects an API key on v0.22', async () => {
    const kms = createKMS({ connector: connectTo(v022, { apiKey: v022.apiKey }) });
    expect(KmsTlsError.isInstance(await rejection(kms.createKey({ name: 'my-key' })))).toBe(true);
    await kms.close();
  });

  it('rejects over TLS 1.2 too', async () => {
    const server = await startKesServer({ version: 'v0.22', maxTlsVersion: 'TLSv1.2' });
    const stranger = await (await createTestPki()).issueClient('stranger');
    const kms = createKMS({
      connector: connectTo(server, { cert: stranger.cert, key: stranger.key }),
    });
    expect(KmsTlsError.isInstance(await rejection(kms.createKey({ name: 'my-key' })))).toBe(true);
    const trusted = createKMS({ connector: connectTo(server) });
    await trusted.createKey({ name: 'my-key' });
    await kms.close();
    await trusted.close();
    await server.close();
  });

  it('rejects an untrusted server', async () => {
    const otherCa = (await createTestPki()).ca.cert;
    const kms = createKMS({ connector: connectTo(latest, { ca: otherCa }) });
    const error = await rejection(kms.generateKey({ name: 'my-key' }));
    expect(KmsTlsError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/`ca` or `caPath`/);
    expect((await kms.status()).endpoints[0]?.state).toBe('offline');
    await kms.close();
  });

  it('rejects a wrong server name', async () => {
    const kms = createKMS({ connector: connectTo(latest, { serverName: 'kes.example.net' }) });
    const error = await rejection(kms.generateKey({ name: 'my-key' }));
    expect(KmsTlsError.isInstance(error)).toBe(true);
    expect(error.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
    await kms.close();
  });

  it('accepts a matching server name', async () => {
    const endpoints = latest.endpoints.map((url) => url.replace('127.0.0.1', 'localhost'));
    const kms = createKMS({ connector: connectTo(latest, { endpoints, serverName: 'localhost' }) });
    await kms.createKey({ name: 'named-key' });
    await kms.close();
  });

  it('skips verification only when asked', async () => {
    const otherCa = (await createTestPki()).ca.cert;
    const kms = createKMS({
      connector: connectTo(latest, { ca: otherCa, insecureSkipVerify: true }),
    });
    await kms.createKey({ name: 'insecure-key' });
    await kms.close();
  });

  it('reports a missing certificate', async () => {
    expect(() => createKesConnector({ endpoints: latest.endpoints, ca: latest.ca })).toThrow(
      /no client credentials/,
    );
    const agent = new Agent({ connect: { ca: v022.ca } });
    const error = await rejection(
      agent.request({ origin: v022.endpoints[0]!, path: '/version', method: 'GET' }),
    );
    expect(error.code).toMatch(/UND_ERR_SOCKET|ERR_SSL/);
    await agent.close();
    const response = await new Agent({ connect: { ca: latest.ca } }).request({
      origin: latest.endpoints[0]!,
      path: '/v1/key/list/*',
      method: 'GET',
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toEqual({ message: 'tls: client certificate is required' });
  });
});
