import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  detectKmsKind,
  KmsConfigurationError,
  parseEndpointList,
  readEnvSecret,
  requireEnv,
} from '../src/env.js';

const directory = mkdtempSync(join(tmpdir(), 'kmskit-env-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('detectKmsKind', () => {
  it('detects each kind', () => {
    expect(detectKmsKind({})).toBeUndefined();
    expect(detectKmsKind({ MINIO_KMS_SERVER: '' })).toBe('minkms');
    expect(detectKmsKind({ MINIO_KMS_KES_CAPATH: '/ca' })).toBe('kes');
    expect(detectKmsKind({ MINIO_KMS_SECRET_KEY: 'k:AAAA' })).toBe('builtin');
  });

  it('ignores an empty secret key', () => {
    expect(detectKmsKind({ MINIO_KMS_SECRET_KEY: '', MINIO_KMS_SERVER: 'a' })).toBe('minkms');
  });

  it('ignores a missing secret key file', () => {
    expect(detectKmsKind({ MINIO_KMS_SECRET_KEY_FILE: join(directory, 'absent') })).toBeUndefined();
    const file = join(directory, 'key');
    writeFileSync(file, 'k:AAAA');
    expect(detectKmsKind({ MINIO_KMS_SECRET_KEY_FILE: file })).toBe('builtin');
  });

  it('names both kinds in a conflict', () => {
    const error = (() => {
      try {
        detectKmsKind({ MINIO_KMS_KES_ENDPOINT: 'https://a', MINIO_KMS_API_KEY: 'k1:x' });
      } catch (caught) {
        return caught as KmsConfigurationError;
      }
    })();
    expect(error).toBeInstanceOf(KmsConfigurationError);
    expect(error).toBeInstanceOf(TypeError);
    expect(error?.variables).toEqual(['MINIO_KMS_API_KEY', 'MINIO_KMS_KES_ENDPOINT']);
  });
});

describe('parseEndpointList', () => {
  it('expands ellipses and trims', () => {
    expect(
      parseEndpointList(' https://kes{1...3}.example.net:7373 ,, https://other:7373/ '),
    ).toEqual([
      'https://kes1.example.net:7373',
      'https://kes2.example.net:7373',
      'https://kes3.example.net:7373',
      'https://other:7373/',
    ]);
  });

  it('keeps zero padding and hex ranges', () => {
    expect(parseEndpointList('h{08...10}')).toEqual(['h08', 'h09', 'h10']);
    expect(parseEndpointList('h{a...c}')).toEqual(['ha', 'hb', 'hc']);
    expect(parseEndpointList('h{1...2}-{1...2}')).toEqual(['h1-1', 'h1-2', 'h2-1', 'h2-2']);
  });

  it('caps ranges that multiply', () => {
    const started = performance.now();
    expect(() =>
      parseEndpointList('https://kes{0...999}.{0...999}.{0...9}:7373', 'MINIO_KMS_KES_ENDPOINT'),
    ).toThrow(/MINIO_KMS_KES_ENDPOINT expands to more than 1000 endpoints/);
    expect(() => parseEndpointList('a{1...600},b{1...600}')).toThrow(KmsConfigurationError);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(parseEndpointList('h{1...10}.{1...100}')).toHaveLength(1000);
  });

  it('rejects malformed ranges', () => {
    expect(() => parseEndpointList('h{3...1}', 'MINIO_KMS_SERVER')).toThrow(/MINIO_KMS_SERVER/);
    expect(() => parseEndpointList('h{x...y}')).toThrow(KmsConfigurationError);
    expect(() => parseEndpointList('h...')).toThrow(/ellipsis/);
  });
});

describe('readEnvSecret', () => {
  it('reads the _FILE variant', () => {
    const file = join(directory, 'api-key');
    writeFileSync(file, 'k1:secret\n');
    expect(readEnvSecret({ MINIO_KMS_API_KEY_FILE: file }, 'MINIO_KMS_API_KEY')).toBe('k1:secret');
    expect(readEnvSecret({ MINIO_KMS_API_KEY: 'direct' }, 'MINIO_KMS_API_KEY')).toBe('direct');
  });

  it('rejects both forms and unreadable files', () => {
    expect(() => readEnvSecret({ A: 'x', A_FILE: '/x' }, 'A')).toThrow(/both A and A_FILE/);
    const error = (() => {
      try {
        readEnvSecret({ A_FILE: join(directory, 'nope') }, 'A');
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error?.message).toContain('ENOENT');
  });

  it('requires set variables', () => {
    expect(() => requireEnv({}, 'MINIO_KMS_SSE_KEY', 'set the default key')).toThrow(
      'missing environment variable MINIO_KMS_SSE_KEY: set the default key',
    );
  });
});
