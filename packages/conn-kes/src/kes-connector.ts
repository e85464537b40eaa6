/** `createKesConnector`: the `Connector` contract over `KesClient`. */

import type {
  Connector,
  ConnectorCapabilities,
  EndpointStatus,
  GeneratedKey,
  KeyListPage,
  OperationOptions,
  VersionInfo,
} from '@kmskit/core';
import { KesClient } from './kes-client.js';
import { type KesConnectorOptions, resolveKesOptions } from './kes-options.js';

/** A KES connector. Besides the `Connector` methods it exposes every KES API through `client`. */
export interface KesConnector extends Connector {
  readonly type: 'kes';
  /** The endpoint URLs. */
  readonly endpoints: readonly string[];
  /** The client's KES identity (hex SHA-256 of its public key). It is public. */
  readonly identity: string;
  /** The KES API client: import, describe, encrypt, APIs, server status and more. */
  readonly client: KesClient;
  close(): Promise<void>;
}

/** The KES connector's capabilities. */
export const KES_CAPABILITIES: ConnectorCapabilities = Object.freeze({
  createKey: true,
  deleteKey: true,
  listKeys: true,
  mac: true,
  keyVersions: false,
  deleteMissingKey: 'succeeds',
});

/**
 * Creates a KES connector. Options are checked here; the first request opens the connections
 * (and, for an API key, derives the client certificate).
 *
 * @throws {TypeError} or {RangeError} naming the option, for bad options.
 * @example
 * const connector = createKesConnector({
 *   endpoints: ['https://kes.example.net:7373'],
 *   apiKey: process.env.KES_API_KEY,
 *   caPath: '/etc/kes/ca.pem',
 *   defaultKeyId: 'minio-default-key',
 * });
 * const kms = createKMS({ connector });
 */
export function createKesConnector(options: KesConnectorOptions): KesConnector {
  const resolved = resolveKesOptions(options);
  const client = new KesClient(resolved);
  const description = `KesConnector(endpoints=${JSON.stringify(client.endpoints)}, identity=${client.identity})`;

  const connector: KesConnector = {
    specificationVersion: 'v1',
    type: 'kes',
    capabilities: KES_CAPABILITIES,
    ...(resolved.defaultKeyId === undefined ? {} : { defaultKeyId: resolved.defaultKeyId }),
    endpoints: client.endpoints,
    identity: client.identity,
    client,

    createKey: ({ name }, operation: OperationOptions): Promise<void> =>
      client.createKey(name, operation),

    deleteKey: ({ name }, operation: OperationOptions): Promise<void> =>
      client.deleteKey(name, operation),

    listKeys: (request, operation: OperationOptions): Promise<KeyListPage> =>
      client.listKeys(request, operation),

    generateKey: ({ name, associatedData }, operation: OperationOptions): Promise<GeneratedKey> =>
      client.generateKey(name, associatedData, operation),

    decrypt: (
      { name, ciphertext, associatedData },
      operation: OperationOptions,
    ): Promise<Uint8Array> => client.decrypt(name, ciphertext, associatedData, operation),

    mac: ({ name, message }, operation: OperationOptions): Promise<Uint8Array> =>
      client.hmac(name, message, operation),

    version: (operation: OperationOptions): Promise<VersionInfo> => client.version(operation),

    status: (operation: OperationOptions): Promise<EndpointStatus[]> =>
      client.endpointStatus(operation),

    close: (): Promise<void> => client.close(),

    toString: () => description,
    toJSON: () => ({ type: 'kes', endpoints: client.endpoints, identity: client.identity }),
    [Symbol.for('nodejs.util.inspect.custom')]: () => description,
  } as KesConnector;
  return connector;
}
