import { createKesConnector, type KesConnector } from '@kmskit/conn-kes';
import { createKMS, type KMS } from '@kmskit/core';
import { createTestPki, type KesTestServer, startKesServer, type TestPki } from '@kmskit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, expectTypedFailure, load, pkiIssuing, startTrap, timed } from './helpers.js';

/** Per-attempt limit and whole-call deadline of the clients under test. */
const REQUEST_MS = 2_000;
const CALL_MS = 6_000;

function clientOf(
  server: KesTestServer,
  endpoints = server.endpoints,
): { kms: KMS; connector: KesConnector } {
  const connector = createKesConnector({
    endpoints,
    ca: server.ca,
    cert: server.admin.cert,
    key: server.admin.key,
    requestTimeoutMs: REQUEST_MS,
    connectTimeoutMs: REQUEST_MS,
    cooldownMs: 200,
  });
  return { connector, kms: createKMS({ connector, timeoutMs: CALL_MS }) };
}

describe('KES connector under faults', () => {
  let pki: TestPki;
  let server: KesTestServer;
  let ciphertext: Uint8Array;

  beforeAll(async () => {
    pki = await createTestPki();
    server = await startKesServer({ listeners: 2, pki });
    const { kms } = clientOf(server);
    await kms.createKey({ name: 'hardening' });
    ciphertext = (await kms.generateKey({ name: 'hardening' })).ciphertext;
    await kms.close();
  });
  afterEach(async () => {
    server.clearFaults();
    await server.start(0);
    await server.start(1);
  });
  afterAll(() => server.close());

  const single = (index = 0) => clientOf(server, [server.endpoints[index]!]);
  const generate = (kms: KMS) => kms.generateKey({ name: 'hardening' });

  it('survives an endpoint stopped mid-load', async () => {
    const { kms } = clientOf(server);
    const failures = await load(
      200,
      8,
      (i) => (i % 2 ? generate(kms) : kms.decrypt({ name: 'hardening', ciphertext })),
      async (done) => {
        if (done === 50) await server.stop(0);
      },
    );
    expect(failures.map(String)).toEqual([]);
    expect(server.listenerState(0)).not.toBe('running');
    await kms.close();
  });

  it('fails a stopped endpoint fast', async () => {
    await server.stop(0);
    const { kms } = single(0);
    await expectTypedFailure(() => generate(kms), REQUEST_MS);
    await kms.close();
  });

  it('times out slow responses', async () => {
    server.inject({ kind: 'delay', ms: 5_000 }, { listener: 0 });
    const { kms } = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS, 'kms:Timeout');
    await kms.close();
  });

  it('rejects bodies over the cap', async () => {
    server.inject({ kind: 'oversized', bytes: 3 * 1024 * 1024 }, { listener: 0 });
    const { kms } = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS);
    await kms.close();
  });

  it('rejects malformed JSON', async () => {
    server.inject({ kind: 'malformed-json' }, { listener: 0 });
    const { kms } = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS, 'kms:InvalidResponse');
    await kms.close();
  });

  it('rejects truncated JSON', async () => {
    server.inject(
      { kind: 'status', status: 200, body: '{"plaintext":"AAAA', contentType: 'application/json' },
      { listener: 0 },
    );
    const { kms } = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS, 'kms:InvalidResponse');
    await kms.close();
  });

  it('handles wrong content types', async () => {
    server.inject({ kind: 'content-type', contentType: 'text/html' }, { listener: 0 });
    const { kms } = single(0);
    const outcome = await timed(() => generate(kms));
    // A JSON body labelled text/html is either read or refused with a typed error, never thrown raw.
    if (outcome.error) await expectTypedFailure(() => generate(kms), CALL_MS);
    else expect(outcome.value?.plaintext?.length).toBe(32);
    await kms.close();
  });

  it('never follows redirects', async () => {
    const trap = await startTrap(pki);
    for (const location of [
      `${trap.url}/v1/key/generate/hardening`,
      `${server.endpoints[1]}/v1/key/generate/hardening`,
    ]) {
      server.inject({ kind: 'redirect', location }, { listener: 0 });
      const { kms } = single(0);
      await expectTypedFailure(() => generate(kms), CALL_MS);
      await kms.close();
      server.clearFaults();
    }
    expect(trap.hits).toBe(0);
    await trap.close();
  });

  it('rejects a certificate for another name', async () => {
    const wrong = await startKesServer({
      pki: pkiIssuing(pki, { dnsNames: ['kms.example.net'], ipAddresses: [] }),
    });
    const { kms } = clientOf(wrong);
    await expectTypedFailure(() => kms.version(), CALL_MS, 'kms:TLSError');
    await kms.close();
    await wrong.close();
  });

  it('rejects an expired certificate', async () => {
    const expired = await startKesServer({
      pki: pkiIssuing(pki, { notBefore: daysAgo(30), notAfter: daysAgo(1) }),
    });
    const { kms } = clientOf(expired);
    await expectTypedFailure(() => kms.version(), CALL_MS, 'kms:TLSError');
    await kms.close();
    await expired.close();
  });

  it('times out a black hole', async () => {
    await server.blackHole(0);
    const { kms } = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS, 'kms:Timeout');
    await kms.close();
  });

  // The faults after which a call moves on to the next endpoint: connection errors, timeouts, TLS
  // failures and 502/503/504. An endpoint that answers 200 with a malformed or oversized body ends
  // the call with `kms:InvalidResponse` instead, by the same rule.
  const failoverFaults: Array<[string, () => unknown]> = [
    ['slow', () => server.inject({ kind: 'delay', ms: 5_000 }, { listener: 0 })],
    ['503', () => server.inject({ kind: 'status', status: 503 }, { listener: 0 })],
    ['closed', () => server.inject({ kind: 'close' }, { listener: 0 })],
    ['black hole', () => server.blackHole(0)],
    ['stopped', () => server.stop(0)],
  ];
  for (const [name, fault] of failoverFaults) {
    it(`uses the live endpoint: ${name}`, async () => {
      await fault();
      const { kms } = clientOf(server);
      const failures = await load(20, 4, (i) =>
        i % 2 ? generate(kms) : kms.decrypt({ name: 'hardening', ciphertext }),
      );
      expect(failures.map(String)).toEqual([]);
      await kms.close();
    });
  }
});
