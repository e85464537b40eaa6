/**
 * `KesClient`: every KES v1 API the connector uses, with failover across the endpoints. Key
 * operations use POST, which every KES version accepts, and HMAC uses PUT; names are checked
 * before any request.
 */

import {
  assertValidName,
  type KeyListPage,
  type KmsOperation,
  operationFailed,
  type VersionInfo,
} from '@kmskit/core';
import { KesBalancer } from './kes-balancer.js';
import { canceled, type KesAnswer, KesCaller, type KesCallOptions } from './kes-caller.js';
import { createKesClientCertificate } from './kes-certificate.js';
import { collectListPages, pageOfNames } from './kes-list.js';
import type { ResolvedKesOptions } from './kes-options.js';
import {
  generationOf,
  type KesApiRoute,
  type KesDataKey,
  type KesKeyInfo,
  type KesServerGeneration,
  parseApiRoutes,
  parseKeyInfo,
  parseVersionInfo,
} from './kes-responses.js';
import { probeEndpoints } from './kes-status.js';
import { KesTransport } from './kes-transport.js';
import {
  base64Field,
  excerpt,
  kesBody,
  kesKeyPath,
  parseJsonObject,
  parseListResponse,
} from './kes-wire.js';

export type { KesCallOptions } from './kes-caller.js';
export type { KesApiRoute, KesDataKey, KesKeyInfo } from './kes-responses.js';

/** A client for the KES v1 API. Create it through `createKesConnector(...).client`. */
export class KesClient {
  /** The endpoint URLs. */
  readonly endpoints: readonly string[];
  /** The client's identity: hex SHA-256 of its public key. It is public. */
  readonly identity: string;
  readonly #options: ResolvedKesOptions;
  readonly #caller: KesCaller;
  #transport: Promise<KesTransport> | undefined;
  #generation: Promise<KesServerGeneration> | undefined;
  #closed = false;

  /** @internal Use `createKesConnector`. */
  constructor(options: ResolvedKesOptions) {
    this.#options = options;
    this.endpoints = options.endpoints.map((endpoint) => endpoint.url);
    this.identity = options.credentials.identity;
    const balancer = new KesBalancer(options.endpoints, options.cooldownMs);
    this.#caller = new KesCaller(() => this.#connect(), balancer, this.identity);
  }

  /** Reads `/version` through failover. */
  async version(options: KesCallOptions = {}): Promise<VersionInfo> {
    const answer = await this.#caller.call(
      { operation: 'version', api: 'version' },
      { method: 'GET', path: '/version' },
      options,
    );
    return parseVersionInfo(answer);
  }

  /** Reads the server state document of `/v1/status` through failover. */
  async serverStatus(options: KesCallOptions = {}): Promise<Record<string, unknown>> {
    const answer = await this.#caller.call(
      { operation: 'status', api: 'status' },
      { method: 'GET', path: '/v1/status' },
      options,
    );
    return parseJsonObject(answer.response.body, `status at ${answer.endpoint.url}`);
  }

  /** Probes every endpoint in parallel; see `probeEndpoints`. */
  async endpointStatus(options: KesCallOptions = {}) {
    return probeEndpoints(this.#options.endpoints, this.#caller, options.signal);
  }

  /** Lists the server's API routes from `/v1/api`. */
  async apis(options: KesCallOptions = {}): Promise<KesApiRoute[]> {
    const answer = await this.#caller.call(
      { operation: 'status', api: 'apis' },
      { method: 'GET', path: '/v1/api' },
      options,
    );
    return parseApiRoutes(answer);
  }

  /** Creates a key. @throws {KeyExistsError} when it exists. */
  async createKey(name: string, options: KesCallOptions = {}): Promise<void> {
    assertValidName(name);
    await this.#caller.call(
      { operation: 'createKey', api: 'create', name },
      { method: 'POST', path: kesKeyPath('create', name) },
      options,
    );
  }

  /** Imports 32 bytes of key material as an AES-256 key. @throws {KeyExistsError} when it exists. */
  async importKey(name: string, key: Uint8Array, options: KesCallOptions = {}): Promise<void> {
    assertValidName(name);
    if (!(key instanceof Uint8Array) || key.length !== 32) {
      throw new RangeError(`importKey: \`key\` must be 32 bytes of AES-256 key material`);
    }
    const legacy = (await this.#serverGeneration(options, 'createKey')) === 'legacy';
    const body = kesBody.import(key, legacy);
    await this.#caller.call(
      { operation: 'createKey', api: 'import', name },
      { method: 'POST', path: kesKeyPath('import', name), body },
      options,
    );
  }

  /** Describes a key. @throws {KeyNotFoundError} when it does not exist. */
  async describeKey(name: string, options: KesCallOptions = {}): Promise<KesKeyInfo> {
    assertValidName(name);
    const answer = await this.#caller.call(
      { operation: 'status', api: 'describe', name },
      { method: 'GET', path: kesKeyPath('describe', name) },
      options,
    );
    return parseKeyInfo(answer, name);
  }

  /** Deletes a key. KES returns success for a key that does not exist. */
  async deleteKey(name: string, options: KesCallOptions = {}): Promise<void> {
    assertValidName(name);
    await this.#caller.call(
      { operation: 'deleteKey', api: 'delete', name },
      { method: 'DELETE', path: kesKeyPath('delete', name) },
      options,
    );
  }

  /** Generates a data key bound to `associatedData`. */
  async generateKey(
    name: string,
    associatedData: Uint8Array,
    options: KesCallOptions = {},
  ): Promise<KesDataKey> {
    assertValidName(name);
    const body = kesBody.generate(associatedData);
    const answer = await this.#caller.call(
      { operation: 'generateKey', api: 'generate', name },
      { method: 'POST', path: kesKeyPath('generate', name), body },
      options,
    );
    const object = parseJsonObject(answer.response.body, what('generate', name, answer));
    return {
      plaintext: base64Field(object, 'plaintext', what('generate', name, answer)),
      ciphertext: base64Field(object, 'ciphertext', what('generate', name, answer)),
    };
  }

  /** Encrypts up to 1 MiB with the key. */
  async encrypt(
    name: string,
    plaintext: Uint8Array,
    associatedData: Uint8Array,
    options: KesCallOptions = {},
  ): Promise<Uint8Array> {
    assertValidName(name);
    const body = kesBody.encrypt(plaintext, associatedData);
    const answer = await this.#caller.call(
      { operation: 'generateKey', api: 'encrypt', name },
      { method: 'POST', path: kesKeyPath('encrypt', name), body },
      options,
    );
    const object = parseJsonObject(answer.response.body, what('encrypt', name, answer));
    return base64Field(object, 'ciphertext', what('encrypt', name, answer));
  }

  /** Decrypts a ciphertext made by `generateKey` or `encrypt`. @throws {InvalidCiphertextError} */
  async decrypt(
    name: string,
    ciphertext: Uint8Array,
    associatedData: Uint8Array,
    options: KesCallOptions = {},
  ): Promise<Uint8Array> {
    assertValidName(name);
    const body = kesBody.decrypt(ciphertext, associatedData);
    const answer = await this.#caller.call(
      { operation: 'decrypt', api: 'decrypt', name },
      { method: 'POST', path: kesKeyPath('decrypt', name), body },
      options,
    );
    const object = parseJsonObject(answer.response.body, what('decrypt', name, answer));
    return base64Field(object, 'plaintext', what('decrypt', name, answer));
  }

  /** Computes HMAC-SHA256 with the key. @throws {NotSupportedError} on servers before v0.23. */
  async hmac(name: string, message: Uint8Array, options: KesCallOptions = {}): Promise<Uint8Array> {
    assertValidName(name);
    const body = kesBody.hmac(message);
    const answer = await this.#caller.call(
      { operation: 'mac', api: 'hmac', name },
      { method: 'PUT', path: kesKeyPath('hmac', name), body },
      options,
    );
    const object = parseJsonObject(answer.response.body, what('hmac', name, answer));
    return base64Field(object, 'hmac', what('hmac', name, answer));
  }

  /**
   * Lists key names that start with `prefix` (`''` or `*` for all), from `continueAt` on, at most
   * `limit` (0: all). The
   * server is asked for every key (`*`) and the client filters, sorts by UTF-8 bytes and pages,
   * so the result is the same on every KES version.
   */
  async listKeys(
    request: { prefix?: string; continueAt?: string; limit?: number } = {},
    options: KesCallOptions = {},
  ): Promise<KeyListPage> {
    const names = await collectListPages(async (pattern) => {
      const answer = await this.#caller.call(
        { operation: 'listKeys', api: 'list' },
        { method: 'GET', path: kesKeyPath('list', pattern) },
        options,
      );
      const page = parseListResponse(
        answer.response.body,
        answer.response.contentType,
        `list keys at ${answer.endpoint.url}`,
      );
      if ('error' in page) {
        const detail = `list at ${answer.endpoint.url} reported an error: ${excerpt(page.error)}`;
        throw operationFailed('listKeys', detail, { status: 502, retryable: true });
      }
      return page;
    });
    const prefix = request.prefix === '*' ? '' : (request.prefix ?? '');
    return pageOfNames(names, prefix, request.continueAt ?? '', request.limit ?? 0);
  }

  /** Closes all connections. Later calls fail. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#caller.forget();
    const transport = this.#transport;
    this.#transport = undefined;
    if (transport) await (await transport.catch(() => undefined))?.close();
  }

  toString(): string {
    return `KesClient(endpoints=${JSON.stringify(this.endpoints)}, identity=${this.identity})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  #connect(): Promise<KesTransport> {
    if (this.#closed) {
      return Promise.reject(new TypeError('conn-kes: the connector is closed: create a new one'));
    }
    this.#transport ??= this.#createTransport();
    return this.#transport;
  }

  async #createTransport(): Promise<KesTransport> {
    const options = this.#options;
    const credentials = options.credentials;
    const { cert, key } =
      credentials.kind === 'api-key'
        ? await createKesClientCertificate(credentials.apiKey)
        : credentials;
    return new KesTransport(
      {
        cert,
        key,
        ca: options.ca,
        serverName: options.serverName,
        rejectUnauthorized: options.rejectUnauthorized,
      },
      options,
    );
  }

  /** Reads `/version` once; a failed lookup is retried by a later call. */
  async #serverGeneration(
    options: KesCallOptions,
    operation: KmsOperation,
  ): Promise<KesServerGeneration> {
    this.#generation ??= this.version().then(
      (info) => generationOf(info.version),
      () => {
        this.#generation = undefined;
        return 'unknown' as const;
      },
    );
    return raceAbort(this.#generation, options.signal, operation);
  }
}

function what(api: string, name: string, answer: KesAnswer): string {
  return `${api} with key '${name}' at ${answer.endpoint.url}`;
}

function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  operation: KmsOperation,
): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(canceled(signal, operation));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
