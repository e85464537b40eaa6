import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { inspect } from 'node:util';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { createKesClientCertificate, kesIdentity, parseKesApiKey } from '../src/index.js';
import { vectorsOf } from './helpers.js';

describe('kes_api_key vectors', () => {
  it('parses every vector', () => {
    let count = 0;
    for (const vector of vectorsOf('kes_api_key')) {
      const input = vector.inputs.api_key as string;
      const expected = vector.expected;
      count++;
      if (expected.should_fail) {
        expect(() => parseKesApiKey(input), vector.name).toThrow(TypeError);
        continue;
      }
      const key = parseKesApiKey(input);
      expect(key.exportText(), vector.name).toBe(expected.string);
      expect(Buffer.from(key.exportSeed()).toString('hex'), vector.name).toBe(expected.seed_hex);
      expect(Buffer.from(key.publicKey).toString('hex'), vector.name).toBe(expected.public_key_hex);
      expect(Buffer.from(key.spki()).toString('hex'), vector.name).toBe(expected.spki_der_hex);
      expect(key.identity, vector.name).toBe(expected.identity);
      expect(kesIdentity(key.publicKey), vector.name).toBe(expected.identity);
    }
    expect(count).toBe(14);
  });
});

describe('kes_api_key_certificate vectors', () => {
  it('derives the certificate template', async () => {
    let count = 0;
    for (const vector of vectorsOf('kes_api_key_certificate')) {
      count++;
      const expected = vector.expected;
      const apiKey = parseKesApiKey(vector.inputs.api_key as string);
      const { cert, key } = await createKesClientCertificate(apiKey);
      const node = new X509Certificate(cert);
      const parsed = new x509.X509Certificate(cert);

      expect(node.subject).toBe(`CN=${expected.subject_cn}`);
      expect(node.issuer).toBe(`CN=${expected.issuer_cn}`);
      expect(kesIdentity(cert)).toBe(expected.identity_of_cert_spki);
      expect(parsed.signatureAlgorithm.name).toBe(expected.signature_algorithm);
      const validity = (Date.parse(node.validTo) - Date.parse(node.validFrom)) / 1000;
      expect(validity).toBe(expected.validity_seconds);
      expect(
        BigInt(`0x${node.serialNumber}`) < 2n ** BigInt(expected.serial_bits_max as number),
      ).toBe(true);
      expect(node.ca).toBe(expected.is_ca);
      expect(node.subjectAltName).toBeUndefined();

      const usage = parsed.getExtension(x509.KeyUsagesExtension);
      expect(usage?.critical).toBe(true);
      expect(usage?.usages).toBe(x509.KeyUsageFlags.digitalSignature);
      const extended = parsed.getExtension(x509.ExtendedKeyUsageExtension);
      expect(extended?.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
      const constraints = parsed.getExtension(x509.BasicConstraintsExtension);
      expect(constraints?.critical).toBe(expected.basic_constraints_valid);
      expect(constraints?.ca).toBe(false);
      expect(await parsed.verify({ signatureOnly: true })).toBe(true);
      expect(node.checkPrivateKey(apiKey.privateKey())).toBe(true);
      expect(key).toContain('BEGIN PRIVATE KEY');
    }
    expect(count).toBe(1);
  });

  it('draws a new serial each time', async () => {
    const apiKey = parseKesApiKey('kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc');
    const first = new X509Certificate((await createKesClientCertificate(apiKey)).cert);
    const second = new X509Certificate((await createKesClientCertificate(apiKey)).cert);
    expect(first.serialNumber).not.toBe(second.serialNumber);
  });
});

describe('KesApiKey secrets', () => {
  const text = 'kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc';
  const encoded = text.slice('kes:v1:'.length);

  it('hides the key from output', () => {
    const key = parseKesApiKey(text);
    for (const output of [
      String(key),
      JSON.stringify(key),
      inspect(key, { showHidden: true, depth: 5 }),
    ]) {
      expect(output).not.toContain(encoded);
      expect(output).toContain(key.identity);
    }
  });

  it('keeps the key out of parse errors', () => {
    const broken = `${text.slice(0, -2)}!!`;
    const error = (() => {
      try {
        parseKesApiKey(broken);
      } catch (caught) {
        return caught as Error;
      }
      throw new Error('expected a failure');
    })();
    expect(error.message).not.toContain(broken.slice(7, 30));
  });

  it('accepts surrounding whitespace', () => {
    expect(parseKesApiKey(` ${text}\n`).identity).toBe(
      '3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22',
    );
  });
});

describe('kesIdentity', () => {
  it('accepts every public key form', async () => {
    const apiKey = parseKesApiKey('kes:v1:AD9E7FSYWrMD+VjhI6q545cYT9YOyFxZb7UnjEepYDRc');
    const expected = '3ecfcdf38fcbe141ae26a1030f81e96b753365a46760ae6b578698a97c59fd22';
    const { cert } = await createKesClientCertificate(apiKey);
    const publicPem = new X509Certificate(cert).publicKey
      .export({ format: 'pem', type: 'spki' })
      .toString();
    expect(kesIdentity(cert)).toBe(expected);
    expect(kesIdentity(new X509Certificate(cert))).toBe(expected);
    expect(kesIdentity(publicPem)).toBe(expected);
    expect(kesIdentity(apiKey.privateKey())).toBe(expected);
    expect(kesIdentity(apiKey.spki())).toBe(expected);
    expect(kesIdentity(apiKey)).toBe(expected);
  });

  it('rejects text without a key', () => {
    expect(() => kesIdentity('not a key')).toThrow(TypeError);
  });
});
