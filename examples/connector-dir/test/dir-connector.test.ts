import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createConnectorRegistry,
  createKMS,
  InvalidKeyNameError,
  KeyExistsError,
  KmsConfigurationError,
  KmsError,
} from '@kmskit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDirConnector, dirConnector } from '../src/index.js';

const directories: string[] = [];

/** Returns a new empty directory, removed after the test. */
function keyDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'kmskit-dir-'));
  directories.push(directory);
  return directory;
}

afterEach(() => {
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('dir key files', () => {
  it('stores keys as hex-named files', async () => {
    const directory = keyDirectory();
    const kms = createKMS({ connector: createDirConnector({ directory }) });
    await kms.createKey({ name: 'my-key' });
    const file = join(directory, '6d792d6b6579.key');
    expect(readFileSync(file)).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps escaping names inside', async () => {
    const parent = keyDirectory();
    const directory = join(parent, 'keys');
    mkdirSync(directory);
    const kms = createKMS({ connector: createDirConnector({ directory }) });
    for (const name of ['../escape', '/etc/passwd', '..', 'a/../../b']) {
      await kms.createKey({ name });
      const key = await kms.generateKey({ name });
      expect(key.keyId).toBe(name);
    }
    expect(readdirSync(parent)).toEqual(['keys']);
    const files = readdirSync(directory).filter((file) => file.endsWith('.key'));
    expect(files.sort()).toEqual(
      ['../escape', '/etc/passwd', '..', 'a/../../b']
        .map((name) => `${Buffer.from(name).toString('hex')}.key`)
        .sort(),
    );
    expect((await kms.listKeys()).names).toEqual(['..', '../escape', '/etc/passwd', 'a/../../b']);
  });

  it('creates a key exactly once', async () => {
    const directory = keyDirectory();
    const kms = createKMS({ connector: createDirConnector({ directory }) });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => kms.createKey({ name: 'race' })),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(KeyExistsError.isInstance(result.reason)).toBe(true);
    }
    expect(readdirSync(directory).filter((file) => file.startsWith('.tmp-'))).toEqual([]);
  });

  it('rejects invalid names', async () => {
    const kms = createKMS({ connector: createDirConnector({ directory: keyDirectory() }) });
    for (const name of ['x'.repeat(101), 'a\u0000b', 'tab\tname', '\uD800']) {
      const error = await rejection(kms.createKey({ name }));
      expect(InvalidKeyNameError.isInstance(error), JSON.stringify(name)).toBe(true);
    }
    await kms.createKey({ name: 'ü'.repeat(50) });
    const tooLong = await rejection(kms.createKey({ name: 'ü'.repeat(51) }));
    expect((tooLong as Error).message).toMatch(/102 UTF-8 bytes/);
  });

  it('reports a damaged key file', async () => {
    const directory = keyDirectory();
    const kms = createKMS({ connector: createDirConnector({ directory }) });
    await kms.createKey({ name: 'damaged' });
    writeFileSync(join(directory, `${Buffer.from('damaged').toString('hex')}.key`), 'short');
    const error = await rejection(kms.generateKey({ name: 'damaged' }));
    expect(KmsError.isInstance(error)).toBe(true);
    expect((error as KmsError).code).toBe('kms:KeyGenerationFailed');
    expect((error as Error).message).toMatch(/contains 5 bytes instead of 32/);
  });
});

describe('dir status and registry', () => {
  it('reports a missing directory offline', async () => {
    const directory = join(keyDirectory(), 'missing');
    const kms = createKMS({ connector: createDirConnector({ directory }) });
    const status = await kms.status();
    expect(status.endpoints).toEqual([
      { endpoint: directory, state: 'offline', error: 'key directory unusable: ENOENT' },
    ]);
  });

  it('creates a KMS from the environment', async () => {
    const directory = keyDirectory();
    const registry = createConnectorRegistry().register(dirConnector);
    const kms = await registry.createFromEnv({
      KMSKIT_CONNECTOR: 'dir',
      KMSKIT_DIR_KEYS: directory,
      KMSKIT_DIR_DEFAULT_KEY: 'app-key',
    });
    await kms.createKey({ name: 'app-key' });
    const key = await kms.generateKey();
    expect(key.keyId).toBe('app-key');
    expect(() => dirConnector.fromEnv({})).toThrow(KmsConfigurationError);
  });

  it('rejects malformed options', () => {
    expect(() => createDirConnector({ directory: '' })).toThrow(TypeError);
    expect(() => createDirConnector({ directory: '/tmp', defaultKeyId: '' })).toThrow(
      /`defaultKeyId`: invalid key name/,
    );
  });
});
