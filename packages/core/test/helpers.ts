import type { Connector, GeneratedKey } from '../src/connector.js';

/** A connector whose operations the test replaces one by one. */
export function fakeConnector(overrides: Partial<Connector> = {}): Connector {
  const generate = async (): Promise<GeneratedKey> => ({
    plaintext: new Uint8Array(32).fill(7),
    ciphertext: Uint8Array.of(1, 2, 3),
  });
  return {
    specificationVersion: 'v1',
    type: 'fake',
    defaultKeyId: 'default-key',
    capabilities: {
      createKey: true,
      deleteKey: true,
      listKeys: true,
      mac: true,
      keyVersions: false,
      deleteMissingKey: 'fails',
    },
    createKey: async () => {},
    deleteKey: async () => {},
    listKeys: async () => ({ names: [], continueAt: '' }),
    generateKey: generate,
    decrypt: async () => new Uint8Array(32),
    mac: async () => new Uint8Array(32),
    version: async () => ({ version: 'v1' }),
    status: async () => [{ endpoint: 'local', state: 'online' }],
    ...overrides,
  };
}

/** Resolves when `signal` aborts, never otherwise. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
