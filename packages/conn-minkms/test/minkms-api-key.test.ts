import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createMinkmsConnector, parseMinkmsApiKey } from '../src/index.js';
import { createClientCertificate } from '../src/minkms-certificate.js';

const K1 = 'k1:d7cY_5k8HbBGkZpoy2hGmvkxg83QDBXsA_nFXDfTk2E';
const K2 = {
  'P-256': 'k2:q0B1BZ069Sk3-pBun983nLbQUOSR_j0ltnkfG4nPrE0',
  'P-384': 'k2:CaJIp1tfO7US1bMkRP1LzVzMV8v4IK5oBW1bhuvJFpFOPtbsJf3a3vViu5uGSas6',
  'P-521':
    'k2:AT7JYw3tnjgYhqplUPiJbITqAdgo4IuDf9talnHivzMeoEsVR60Vidpl93zAdweZApsStCEpHVPtwGAD2UoGI0o0',
};
const OID = { clientAuth: '1.3.6.1.5.5.7.3.2' };

describe('client certificate', () => {
  for (const [label, text] of [['Ed25519', K1], ...Object.entries(K2)] as const) {
    it(`follows the template for ${label}`, async () => {
      const key = parseMinkmsApiKey(text);
      const now = new Date('2026-01-02T03:04:05.678Z');
      const { certPem, notAfter } = await createClientCertificate(key, now);
      const certificate = new X509Certificate(certPem);

      expect(key.algorithm).toBe(label);
      expect(certificate.subject).toBe(`CN=${key.identity}`);
      expect(certificate.issuer).toBe(`CN=${key.identity}`);
      expect(certificate.ca).toBe(false);
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      expect(certificate.checkPrivateKey(key.privateKey())).toBe(true);
      expect(new Date(certificate.validFrom).toISOString()).toBe('2026-01-02T03:04:05.000Z');
      expect(
        new Date(certificate.validTo).getTime() - new Date(certificate.validFrom).getTime(),
      ).toBe(90 * 24 * 3600 * 1000);
      expect(notAfter.toISOString()).toBe(new Date(certificate.validTo).toISOString());
      expect(certificate.keyUsage).toEqual([OID.clientAuth]);
      expect(certificate.subjectAltName).toBeUndefined();
      expect(BigInt(`0x${certificate.serialNumber}`) < 2n ** 128n).toBe(true);
    });
  }

  it('has only the three template extensions', async () => {
    const { certPem } = await createClientCertificate(parseMinkmsApiKey(K1));
    const x509 = await import('@peculiar/x509');
    const certificate = new x509.X509Certificate(certPem);
    const types = certificate.extensions.map((extension) => extension.type).sort();
    expect(types).toEqual(['2.5.29.15', '2.5.29.19', '2.5.29.37']);
    expect(
      certificate.extensions.every(
        (extension) => extension.type === '2.5.29.37' || extension.critical,
      ),
    ).toBe(true);
  });
});

describe('API key secrecy', () => {
  it('keeps the key out of output', () => {
    const key = parseMinkmsApiKey(K1);
    const secret = K1.slice(3);
    expect(String(key)).not.toContain(secret);
    expect(JSON.stringify(key)).not.toContain(secret);
    expect(inspect(key, { depth: 5, showHidden: true })).not.toContain(secret);
    expect(JSON.stringify(key)).toContain(key.identity);
  });

  it('keeps the key out of the connector', () => {
    const connector = createMinkmsConnector({
      endpoints: ['127.0.0.1:7373'],
      enclave: 'e',
      apiKey: K1,
    });
    const secret = K1.slice(3);
    expect(String(connector)).not.toContain(secret);
    expect(JSON.stringify(connector)).not.toContain(secret);
    expect(inspect(connector, { depth: 8, showHidden: true })).not.toContain(secret);
  });

  it('keeps the key out of parse errors', () => {
    const bad = [`${K1}x`, `${K1.slice(0, 20)}`, `kes:v1:${K1.slice(3)}`, `k3:${K1.slice(3)}`];
    for (const text of bad) {
      let message = '';
      try {
        parseMinkmsApiKey(text);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/invalid MinKMS API key/);
      expect(message).not.toContain(K1.slice(3, 20));
    }
  });

  it('rejects an out-of-range ECDSA scalar', () => {
    const zero = `k2:${Buffer.alloc(32).toString('base64url')}`;
    const max = `k2:${Buffer.alloc(32, 0xff).toString('base64url')}`;
    expect(() => parseMinkmsApiKey(zero)).toThrow(/not a valid P-256 private key/);
    expect(() => parseMinkmsApiKey(max)).toThrow(/not a valid P-256 private key/);
  });
});
