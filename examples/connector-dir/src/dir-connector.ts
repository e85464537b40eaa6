/**
 * A third-party kmskit connector that keeps 32-byte master keys as files in one directory. It
 * shows the whole `Connector` contract: typed errors, name checks, key management, listing with
 * pages, MAC and status.
 */

import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type {
  Connector,
  ConnectorCapabilities,
  EndpointStatus,
  GeneratedKey,
  KeyListPage,
  OperationOptions,
  VersionInfo,
} from '@kmskit/core';
import { mac, open, seal } from './dir-ciphertext.js';
import { KeyDirectory, MASTER_KEY_LENGTH } from './key-directory.js';
import { assertDirKeyName, compareNames } from './key-names.js';

/** Options of `createDirConnector`. */
export interface DirConnectorOptions {
  /** The directory of the key files. It must exist. A relative path is resolved at creation. */
  directory: string;
  /** The key `generateKey` and `mac` use when the caller names none. */
  defaultKeyId?: string;
}

/** Capabilities of the directory connector: everything except key versions. */
export const DIR_CAPABILITIES: Readonly<ConnectorCapabilities> = Object.freeze({
  createKey: true,
  deleteKey: true,
  listKeys: true,
  mac: true,
  keyVersions: false,
  deleteMissingKey: 'fails',
});

const DATA_KEY_LENGTH = 32;
/** Version of this connector, reported by `version()`. */
const CONNECTOR_VERSION = '0.1.0';

/**
 * Creates a connector over a key directory.
 *
 * @throws {TypeError} when `directory` is not a non-empty string or `defaultKeyId` is invalid.
 * @example
 * const kms = createKMS({ connector: createDirConnector({ directory: '/var/lib/keys' }) });
 * await kms.createKey({ name: 'my-key' });
 */
export function createDirConnector(options: DirConnectorOptions): DirConnector {
  return new DirConnector(options);
}

/** A connector over a key directory. Create it with `createDirConnector`. */
export class DirConnector implements Connector {
  readonly specificationVersion = 'v1' as const;
  readonly type = 'dir';
  readonly capabilities = DIR_CAPABILITIES;
  readonly defaultKeyId?: string;
  readonly #keys: KeyDirectory;

  constructor(options: DirConnectorOptions) {
    if (typeof options?.directory !== 'string' || options.directory === '') {
      throw new TypeError('createDirConnector: option `directory` must be a non-empty path');
    }
    if (options.defaultKeyId !== undefined) {
      try {
        assertDirKeyName(options.defaultKeyId);
      } catch (error) {
        throw new TypeError(
          `createDirConnector: option \`defaultKeyId\`: ${(error as Error).message}`,
        );
      }
      this.defaultKeyId = options.defaultKeyId;
    }
    this.#keys = new KeyDirectory(resolve(options.directory));
  }

  /** The absolute path of the key directory. */
  get directory(): string {
    return this.#keys.path;
  }

  async createKey(request: { name: string }, _options: OperationOptions): Promise<void> {
    assertDirKeyName(request.name);
    const key = randomBytes(MASTER_KEY_LENGTH);
    try {
      await this.#keys.create(request.name, key);
    } finally {
      key.fill(0);
    }
  }

  async deleteKey(request: { name: string }, _options: OperationOptions): Promise<void> {
    assertDirKeyName(request.name);
    await this.#keys.remove(request.name);
  }

  async listKeys(
    request: { prefix: string; continueAt: string; limit: number },
    _options: OperationOptions,
  ): Promise<KeyListPage> {
    const names = (await this.#keys.names())
      .filter((name) => name.startsWith(request.prefix))
      .filter((name) => compareNames(name, request.continueAt) >= 0)
      .sort(compareNames);
    if (request.limit <= 0 || names.length <= request.limit) return { names, continueAt: '' };
    return { names: names.slice(0, request.limit), continueAt: names[request.limit]! };
  }

  async generateKey(
    request: { name: string; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<GeneratedKey> {
    assertDirKeyName(request.name);
    const masterKey = await this.#keys.read(request.name, 'generateKey', options.signal);
    try {
      const plaintext = new Uint8Array(randomBytes(DATA_KEY_LENGTH));
      return { plaintext, ciphertext: seal(masterKey, plaintext, request.associatedData) };
    } finally {
      masterKey.fill(0);
    }
  }

  async decrypt(
    request: { name: string; version: number; ciphertext: Uint8Array; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<Uint8Array> {
    assertDirKeyName(request.name);
    const masterKey = await this.#keys.read(request.name, 'decrypt', options.signal);
    try {
      return open(masterKey, request.ciphertext, request.associatedData, request.name);
    } finally {
      masterKey.fill(0);
    }
  }

  async mac(
    request: { name: string; message: Uint8Array },
    options: OperationOptions,
  ): Promise<Uint8Array> {
    assertDirKeyName(request.name);
    const masterKey = await this.#keys.read(request.name, 'mac', options.signal);
    try {
      return mac(masterKey, request.message);
    } finally {
      masterKey.fill(0);
    }
  }

  async version(_options: OperationOptions): Promise<VersionInfo> {
    return { version: CONNECTOR_VERSION };
  }

  async status(_options: OperationOptions): Promise<EndpointStatus[]> {
    try {
      await this.#keys.check();
      return [{ endpoint: this.directory, state: 'online' }];
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      return [
        { endpoint: this.directory, state: 'offline', error: `key directory unusable: ${code}` },
      ];
    }
  }

  toJSON(): { type: string; directory: string } {
    return { type: this.type, directory: this.directory };
  }
}
