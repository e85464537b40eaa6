/**
 * A small in-memory connector that passes every conformance case. The broken connectors in
 * `broken-connectors.ts` change one behaviour each to show that the matching case catches it.
 *
 * Ciphertext format: byte 0 is the version 1, bytes 1 to 12 the AES-256-GCM nonce, then the
 * encrypted data key and the 16-byte tag. The associated data is the encoded context.
 */

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import {
  type Connector,
  type ConnectorCapabilities,
  type EndpointStatus,
  type GeneratedKey,
  InvalidCiphertextError,
  KeyExistsError,
  type KeyListPage,
  KeyNotFoundError,
  type OperationOptions,
  type VersionInfo,
} from '@kmskit/core';

const FORMAT_VERSION = 1;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + NONCE_LENGTH;

/** Options of the memory connector. */
export interface MemoryConnectorOptions {
  /** A key created at once and used when the caller names none. */
  defaultKeyId?: string;
  /** Capabilities that differ from the defaults (everything supported). */
  capabilities?: Partial<ConnectorCapabilities>;
}

/** An in-memory connector with random 32-byte master keys. */
export class MemoryConnector implements Connector {
  readonly specificationVersion = 'v1' as const;
  readonly type: string = 'memory';
  readonly capabilities: ConnectorCapabilities;
  readonly defaultKeyId?: string;
  protected readonly keys = new Map<string, Uint8Array>();

  constructor(options: MemoryConnectorOptions = {}) {
    this.capabilities = {
      createKey: true,
      deleteKey: true,
      listKeys: true,
      mac: true,
      keyVersions: false,
      deleteMissingKey: 'fails',
      ...options.capabilities,
    };
    if (options.defaultKeyId !== undefined) {
      this.defaultKeyId = options.defaultKeyId;
      this.keys.set(options.defaultKeyId, this.newMasterKey(options.defaultKeyId));
    }
  }

  async createKey(request: { name: string }, _options: OperationOptions): Promise<void> {
    const name = this.resolveName(request.name);
    if (this.keys.has(name)) throw new KeyExistsError(request.name);
    this.keys.set(name, this.newMasterKey(name));
  }

  async deleteKey(request: { name: string }, _options: OperationOptions): Promise<void> {
    const name = this.resolveName(request.name);
    if (!this.keys.delete(name)) throw new KeyNotFoundError(request.name);
  }

  async listKeys(
    request: { prefix: string; continueAt: string; limit: number },
    _options: OperationOptions,
  ): Promise<KeyListPage> {
    const names = [...this.keys.keys()]
      .filter((name) => name.startsWith(request.prefix))
      .filter((name) => Buffer.compare(Buffer.from(name), Buffer.from(request.continueAt)) >= 0)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const limit = this.pageLimit(request.limit);
    if (limit === 0 || names.length <= limit) return { names, continueAt: '' };
    return { names: names.slice(0, limit), continueAt: names[limit]! };
  }

  async generateKey(
    request: { name: string; associatedData: Uint8Array },
    _options: OperationOptions,
  ): Promise<GeneratedKey> {
    const key = this.masterKey(request.name);
    const plaintext = this.newDataKey();
    return { plaintext, ciphertext: this.seal(key, plaintext, request.associatedData) };
  }

  async decrypt(
    request: { name: string; version: number; ciphertext: Uint8Array; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<Uint8Array> {
    const key = this.masterKey(request.name);
    const { ciphertext } = request;
    if (ciphertext.length < HEADER_LENGTH + TAG_LENGTH || ciphertext[0] !== FORMAT_VERSION) {
      throw this.decryptError(request.name, 'malformed', options);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ciphertext.subarray(1, HEADER_LENGTH));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_LENGTH));
      decipher.setAAD(this.associatedData(request.associatedData));
      const body = ciphertext.subarray(HEADER_LENGTH, ciphertext.length - TAG_LENGTH);
      return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
    } catch {
      throw this.decryptError(request.name, 'not-authentic', options);
    }
  }

  async mac(
    request: { name: string; message: Uint8Array },
    _options: OperationOptions,
  ): Promise<Uint8Array> {
    return new Uint8Array(
      createHmac('sha256', this.macKey(request.name)).update(request.message).digest(),
    );
  }

  async version(_options: OperationOptions): Promise<VersionInfo> {
    return { version: 'memory-1' };
  }

  async status(_options: OperationOptions): Promise<EndpointStatus[]> {
    return [{ endpoint: 'memory', state: 'online' }];
  }

  /** Maps a requested name to the stored one; the reference keeps it exactly. */
  protected resolveName(name: string): string {
    return name;
  }

  /** Returns the page size to apply for a requested limit. */
  protected pageLimit(limit: number): number {
    return limit;
  }

  protected newMasterKey(_name: string): Uint8Array {
    return new Uint8Array(randomBytes(32));
  }

  protected newDataKey(): Uint8Array {
    return new Uint8Array(randomBytes(32));
  }

  /** Returns the associated data to bind; the reference binds the whole context. */
  protected associatedData(associatedData: Uint8Array): Uint8Array {
    return associatedData;
  }

  protected macKey(name: string): Uint8Array {
    return this.masterKey(name);
  }

  protected decryptError(
    name: string,
    reason: 'malformed' | 'not-authentic',
    _options: OperationOptions,
  ): Error {
    return new InvalidCiphertextError(`cannot decrypt with key '${name}': ciphertext ${reason}`, {
      reason,
    });
  }

  protected masterKey(name: string): Uint8Array {
    const key = this.keys.get(this.resolveName(name));
    if (!key) throw new KeyNotFoundError(name);
    return key;
  }

  protected seal(key: Uint8Array, plaintext: Uint8Array, associatedData: Uint8Array): Uint8Array {
    const nonce = randomBytes(NONCE_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(this.associatedData(associatedData));
    return new Uint8Array(
      Buffer.concat([
        Buffer.of(FORMAT_VERSION),
        nonce,
        cipher.update(plaintext),
        cipher.final(),
        cipher.getAuthTag(),
      ]),
    );
  }
}
