import { createMinkmsConnector } from '@kmskit/conn-minkms';
import { createKMS, type KMS } from '@kmskit/core';
import {
  createTestPki,
  type MinkmsTestServer,
  startMinkmsServer,
  type TestPki,
} from '@kmskit/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, expectTypedFailure, load, pkiIssuing, startTrap, timed } from './helpers.js';

/** Per-attempt limit and whole-call deadline of the clients under test. */
const REQUEST_MS = 2_000;
const CALL_MS = 6_000;

function clientOf(server: MinkmsTestServer, endpoints: readonly string[] = server.endpoints): KMS {
  const connector = createMinkmsConnector({
    endpoints,
    enclave: server.enclave,
    apiKey: server.apiKey,
    ca: server.ca,
    requestTimeoutMs: REQUEST_MS,
    cooldownMs: 200,
  });
  return createKMS({ connector, timeoutMs: CALL_MS });
}

describe('MinKMS connector under faults', () => {
  let pki: TestPki;
  let server: MinkmsTestServer;
  let ciphertext: Uint8Array;

  beforeAll(async () => {
    pki = await createTestPki();
    server = await startMinkmsServer({ listeners: 2, pki, keys: ['hardening'] });
    const kms = clientOf(server);
    ciphertext = (await kms.generateKey({ name: 'hardening' })).ciphertext;
    await kms.close();
  });
  afterEach(async () => {
    server.clearFaults();
    await server.start();
  });
  afterAll(() => server.close());

  const single = (index = 0) => clientOf(server, [server.endpoints[index]!]);
  const generate = (kms: KMS) => kms.generateKey({ name: 'hardening' });
  const decrypt = (kms: KMS) => kms.decrypt({ name: 'hardening', ciphertext });

  it('survives an endpoint stopped mid-load', async () => {
    const kms = clientOf(server);
    const failures = await load(
      200,
      8,
      (i) => (i % 2 ? generate(kms) : decrypt(kms)),
      async (done) => {
        if (done === 50) await server.stop(0);
      },
    );
    expect(failures.map(String)).toEqual([]);
    await kms.close();
  });

  it('fails a stopped endpoint fast', async () => {
    await server.stop(0);
    const kms = single(0);
    await expectTypedFailure(() => generate(kms), REQUEST_MS);
    await kms.close();
  });

  it('times out slow responses', async () => {
    server.inject({ type: 'delay', ms: 5_000 }, { listener: 0 });
    const kms = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS, 'kms:Timeout');
    await kms.close();
  });

  it('rejects bodies over the cap', async () => {
    server.inject({ type: 'oversized' }, { listener: 0 });
    const kms = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS);
    await kms.close();
  });

  for (const variant of ['truncated', 'wrong-command', 'trailing-data'] as const) {
    it(`rejects a ${variant} frame`, async () => {
      server.inject({ type: 'malformed-frame', variant }, { listener: 0 });
      const kms = single(0);
      await expectTypedFailure(() => generate(kms), CALL_MS, 'kms:InvalidResponse');
      await kms.close();
    });
  }

  it('rejects truncated version JSON', async () => {
    server.inject(
      { type: 'response', status: 200, contentType: 'application/json', body: '{"version":"2024' },
      { listener: 0, route: 'version' },
    );
    const kms = single(0);
    await expectTypedFailure(() => kms.version(), CALL_MS, 'kms:InvalidResponse');
    await kms.close();
  });

  it('handles wrong content types', async () => {
    server.inject({ type: 'content-type', contentType: 'text/html' }, { listener: 0 });
    const kms = single(0);
    const outcome = await timed(() => generate(kms));
    // A valid body with another label is either read or refused with a typed error, never thrown raw.
    if (outcome.error) await expectTypedFailure(() => generate(kms), CALL_MS);
    else expect(outcome.value?.plaintext?.length).toBe(32);
    await kms.close();
  });

  it('never follows redirects', async () => {
    const trap = await startTrap(pki);
    for (const location of [
      `${trap.url}/v1/kms/${server.enclave}`,
      `${server.endpoints[1]}/v1/kms/${server.enclave}`,
    ]) {
      server.inject({ type: 'redirect', status: 307, location }, { listener: 0 });
      const kms = single(0);
      await expectTypedFailure(() => generate(kms), CALL_MS);
      await kms.close();
      server.clearFaults();
    }
    expect(trap.hits).toBe(0);
    await trap.close();
  });

  it('rejects a certificate for another name', async () => {
    const wrong = await startMinkmsServer({
      pki: pkiIssuing(pki, { dnsNames: ['kms.example.net'], ipAddresses: [] }),
    });
    const kms = clientOf(wrong);
    await expectTypedFailure(() => kms.version(), CALL_MS, 'kms:TLSError');
    await kms.close();
    await wrong.close();
  });

  it('rejects an expired certificate', async () => {
    const expired = await startMinkmsServer({
      pki: pkiIssuing(pki, { notBefore: daysAgo(30), notAfter: daysAgo(1) }),
    });
    const kms = clientOf(expired);
    await expectTypedFailure(() => kms.version(), CALL_MS, 'kms:TLSError');
    await kms.close();
    await expired.close();
  });

  it('times out a black hole', async () => {
    server.inject({ type: 'blackhole' }, { listener: 0 });
    const kms = single(0);
    await expectTypedFailure(() => generate(kms), CALL_MS, 'kms:Timeout');
    await kms.close();
  });

  // The faults after which a call moves on to the next endpoint (see faults-kes.test.ts).
  const failoverFaults: Array<[string, () => unknown]> = [
    ['slow', () => server.inject({ type: 'delay', ms: 5_000 }, { listener: 0 })],
    ['503', () => server.inject({ type: 'status', status: 503 }, { listener: 0 })],
    ['closed', () => server.inject({ type: 'close' }, { listener: 0 })],
    ['black hole', () => server.inject({ type: 'blackhole' }, { listener: 0 })],
    ['stopped', () => server.stop(0)],
  ];
  for (const [name, fault] of failoverFaults) {
    it(`uses the live endpoint: ${name}`, async () => {
      await fault();
      const kms = clientOf(server);
      const failures = await load(20, 4, (i) => (i % 2 ? generate(kms) : decrypt(kms)));
      expect(failures.map(String)).toEqual([]);
      await kms.close();
    });
  }
});
