/** The `ConnectorDefinition` that registries use to build KES connectors. */

import type { ConnectorDefinition, Env } from '@kmskit/core';
import { createKesConnector, type KesConnector } from './kes-connector.js';
import { kesOptionsFromEnv } from './kes-env.js';
import type { KesConnectorOptions } from './kes-options.js';

/**
 * The KES connector definition: `type: 'kes'`, configured by options or by MinIO's
 * `MINIO_KMS_KES_*` variables.
 *
 * @example
 * const registry = createConnectorRegistry().register(kesConnector);
 * const kms = await registry.createFromEnv(process.env);
 */
export const kesConnector: ConnectorDefinition<KesConnectorOptions> & {
  create(options: KesConnectorOptions): KesConnector;
} = Object.freeze({
  type: 'kes',
  kind: 'kes',
  packageName: '@kmskit/conn-kes',
  create: (options: KesConnectorOptions): KesConnector => createKesConnector(options),
  fromEnv: (env: Env): KesConnectorOptions => kesOptionsFromEnv(env),
});
