/**
 * The MinKMS connector: the `Connector` contract over the MinKMS command API.
 *
 * Key versions: `generateKey` returns the version the server reported, and `decrypt` sends the
 * version the caller passes, else 0. MinIO itself never stores the version and always sends 0.
 */

import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  assertValidName,
  type Connector,
  type ConnectorCapabilities,
  type EndpointStatus,
  type GeneratedKey,
  type KeyListPage,
  KmsError,
  type KmsOperation,
  type OperationOptions,
  operationFailed,
  type VersionInfo,
} from '@kmskit/core';
import {
  CreateKeyRequestSchema,
  DecryptRequestSchema,
  DecryptResponseSchema,
  DeleteKeyRequestSchema,
  GenerateKeyRequestSchema,
  GenerateKeyResponseSchema,
  ListKeysResponseSchema,
  ListRequestSchema,
  MACRequestSchema,
  MACResponseSchema,
} from './gen/minio/kms/v1/kms_pb.js';
import { type MinkmsConnectorOptions, resolveOptions } from './minkms-options.js';
import { decodeMessage, parseCommandResponse, parseVersion } from './minkms-responses.js';
import { MinkmsTransport, type RequestSubject, SUPERSEDED } from './minkms-transport.js';
import { commandUrl, encodeFrame, MINKMS_COMMANDS } from './minkms-wire.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const DATA_KEY_LENGTH = 32;

/**
 * Creates a MinKMS connector. Options are checked at once; the client certificate is made on
 * the first request.
 *
 * @throws {TypeError|RangeError} for a bad option, naming it.
 * @throws {InvalidKeyNameError} for an invalid enclave or default key name.
 * @example
 * const connector = createMinkmsConnector({
 *   endpoints: ['kms1.example.net:7373', 'kms2.example.net:7373'],
 *   enclave: 'minio',
 *   apiKey: process.env.MINIO_KMS_API_KEY!,
 *   defaultKeyId: 'minio-default-key',
 * });
 * const kms = createKMS({ connector });
 */
export function createMinkmsConnector(options: MinkmsConnectorOptions): MinkmsConnector {
  return new MinkmsConnector(options);
}

/** A connector to one or more MinKMS servers. */
export class MinkmsConnector implements Connector {
  readonly specificationVersion = 'v1' as const;
  readonly type = 'minkms';
  readonly capabilities: ConnectorCapabilities = Object.freeze({
    createKey: true,
    deleteKey: true,
    listKeys: true,
    mac: true,
    keyVersions: true,
    deleteMissingKey: 'fails',
  });
  readonly defaultKeyId: string | undefined;
  /** The endpoints as normalised origins, such as `https://127.0.0.1:7373`. */
  readonly endpoints: readonly string[];
  /** The enclave. */
  readonly enclave: string;
  /** The `h1:` identity of the API key. */
  readonly identity: string;
  readonly #transport: MinkmsTransport;
  readonly #commandPath: string;

  constructor(options: MinkmsConnectorOptions) {
    const resolved = resolveOptions(options);
    this.endpoints = Object.freeze([...resolved.endpoints]);
    this.enclave = resolved.enclave;
    this.identity = resolved.apiKey.identity;
    this.defaultKeyId = resolved.defaultKeyId;
    this.#transport = new MinkmsTransport(resolved);
    this.#commandPath = new URL(commandUrl('https://host', resolved.enclave)).pathname;
  }

  async createKey(request: { name: string }, options: OperationOptions): Promise<void> {
    assertValidName(request.name, 'key');
    const message = toBinary(
      CreateKeyRequestSchema,
      create(CreateKeyRequestSchema, { name: request.name }),
    );
    await this.#command(
      'KEY:CREATE',
      message,
      { operation: 'createKey', keyName: request.name },
      options,
      true,
    );
  }

  /** Deletes every version of the key. */
  async deleteKey(request: { name: string }, options: OperationOptions): Promise<void> {
    assertValidName(request.name, 'key');
    const message = toBinary(
      DeleteKeyRequestSchema,
      create(DeleteKeyRequestSchema, { name: request.name, allVersions: true }),
    );
    await this.#command(
      'KEY:DELETE',
      message,
      { operation: 'deleteKey', keyName: request.name },
      options,
      true,
    );
  }

  async listKeys(
    request: { prefix: string; continueAt: string; limit: number },
    options: OperationOptions,
  ): Promise<KeyListPage> {
    const message = toBinary(
      ListRequestSchema,
      create(ListRequestSchema, {
        prefix: request.prefix,
        continueAt: request.continueAt,
        limit: Math.min(Math.max(0, request.limit), 0xffffffff),
      }),
    );
    const body = await this.#command('KEY:LIST', message, { operation: 'listKeys' }, options);
    const response = decodeMessage('listKeys', () => fromBinary(ListKeysResponseSchema, body));
    const names = response.keys
      .map((key) => key.name)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    if (request.limit > 0 && names.length > request.limit) {
      const next = names[request.limit]!;
      return { names: names.slice(0, request.limit), continueAt: next };
    }
    return { names, continueAt: response.continueAt };
  }

  async generateKey(
    request: { name: string; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<GeneratedKey> {
    assertValidName(request.name, 'key');
    const message = toBinary(
      GenerateKeyRequestSchema,
      create(GenerateKeyRequestSchema, {
        name: request.name,
        associatedData: request.associatedData,
        length: DATA_KEY_LENGTH,
      }),
    );
    const subject = { operation: 'generateKey', keyName: request.name } as const;
    const body = await this.#command('KEY:GENERATE', message, subject, options);
    const response = decodeMessage('generateKey', () =>
      fromBinary(GenerateKeyResponseSchema, body),
    );
    return {
      plaintext: response.plaintext,
      ciphertext: response.ciphertext,
      version: response.version,
    };
  }

  /**
   * Decrypts a data key. `version` 0 lets the server choose; the test server in
   * `@kmskit/testing` then uses the version recorded in the ciphertext.
   */
  async decrypt(
    request: { name: string; version: number; ciphertext: Uint8Array; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<Uint8Array> {
    assertValidName(request.name, 'key');
    const message = toBinary(
      DecryptRequestSchema,
      create(DecryptRequestSchema, {
        name: request.name,
        version: request.version,
        ciphertext: request.ciphertext,
        associatedData: request.associatedData,
      }),
    );
    const subject = {
      operation: 'decrypt',
      keyName: request.name,
      version: request.version,
    } as const;
    const body = await this.#command('KEY:DECRYPT', message, subject, options);
    return decodeMessage('decrypt', () => fromBinary(DecryptResponseSchema, body)).plaintext;
  }

  /** Computes HMAC-SHA256 with the latest version of the key (command `KEY:MAC`). */
  async mac(
    request: { name: string; message: Uint8Array },
    options: OperationOptions,
  ): Promise<Uint8Array> {
    assertValidName(request.name, 'key');
    const message = toBinary(
      MACRequestSchema,
      create(MACRequestSchema, { name: request.name, message: request.message }),
    );
    const body = await this.#command(
      'KEY:MAC',
      message,
      { operation: 'mac', keyName: request.name },
      options,
    );
    return decodeMessage('mac', () => fromBinary(MACResponseSchema, body)).mac;
  }

  /** Requests `/version` from every endpoint in parallel and returns the first response. */
  async version(options: OperationOptions): Promise<VersionInfo> {
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal.reason);
    if (options.signal.aborted) onAbort();
    options.signal.addEventListener('abort', onAbort, { once: true });
    const probeOptions: OperationOptions = { ...options, signal: controller.signal };
    try {
      const response = await Promise.any(
        this.endpoints.map((endpoint) => this.#probe(endpoint, 'version', probeOptions)),
      );
      return {
        version: response.value.version,
        ...(response.value.commit ? { commit: response.value.commit } : {}),
        endpoint: response.endpoint,
      };
    } catch (caught) {
      if (options.signal.aborted && KmsError.isInstance(options.signal.reason))
        throw options.signal.reason;
      const errors = caught instanceof AggregateError ? caught.errors : [caught];
      if (errors.length === 1 && KmsError.isInstance(errors[0])) throw errors[0];
      const detail = errors
        .map((error) => (error instanceof Error ? error.message : String(error)))
        .join('; ');
      throw operationFailed('version', `no MinKMS endpoint responded: ${detail}`, {
        cause: caught,
        retryable: true,
      });
    } finally {
      options.signal.removeEventListener('abort', onAbort);
      controller.abort(SUPERSEDED);
    }
  }

  /** Requests `/version` from every endpoint in parallel and reports each endpoint's state. */
  async status(options: OperationOptions): Promise<EndpointStatus[]> {
    return Promise.all(
      this.endpoints.map(async (endpoint): Promise<EndpointStatus> => {
        try {
          const response = await this.#probe(endpoint, 'status', options);
          return {
            endpoint,
            state: 'online',
            latencyMs: response.latencyMs,
            ...(response.value.version ? { version: response.value.version } : {}),
          };
        } catch (caught) {
          if (options.signal.aborted) throw caught;
          const error = caught instanceof Error ? caught.message : String(caught);
          const state =
            KmsError.isInstance(caught) && caught.code === 'kms:NotAuthorized'
              ? 'unauthorized'
              : 'offline';
          return { endpoint, state, error };
        }
      }),
    );
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  toString(): string {
    return `MinkmsConnector(endpoints=${this.endpoints.join(',')}, enclave=${JSON.stringify(this.enclave)}, identity=${this.identity})`;
  }

  toJSON(): { type: string; endpoints: readonly string[]; enclave: string; identity: string } {
    return {
      type: this.type,
      endpoints: this.endpoints,
      enclave: this.enclave,
      identity: this.identity,
    };
  }

  [INSPECT](): string {
    return this.toString();
  }

  async #command(
    name: keyof typeof MINKMS_COMMANDS,
    message: Uint8Array,
    subject: RequestSubject,
    options: OperationOptions,
    acceptEmpty = false,
  ): Promise<Uint8Array> {
    const body = encodeFrame(MINKMS_COMMANDS[name], message);
    const response = await this.#transport.send(
      { method: 'POST', path: this.#commandPath, body },
      subject,
      options,
      (responseBody, contentType) =>
        parseCommandResponse(subject.operation, name, responseBody, contentType, acceptEmpty),
    );
    return response.value;
  }

  #probe(endpoint: string, operation: KmsOperation, options: OperationOptions) {
    return this.#transport.sendTo(
      endpoint,
      { method: 'GET', path: '/version' },
      { operation },
      options,
      (body, contentType) => parseVersion(operation, body, contentType),
    );
  }
}
