/** The connector definition for a `ConnectorRegistry`. */

import type { ConnectorDefinition } from '@kmskit/core';
import { createMinkmsConnector } from './minkms-connector.js';
import { minkmsOptionsFromEnv } from './minkms-env.js';
import type { MinkmsConnectorOptions } from './minkms-options.js';

/**
 * The MinKMS connector definition (`type: 'minkms'`). Register it, then create a `KMS` from
 * options or from MinIO's `MINIO_KMS_*` variables.
 *
 * @example
 * const registry = createConnectorRegistry().register(minkmsConnector);
 * const kms = await registry.createFromEnv(process.env);
 */
export const minkmsConnector: ConnectorDefinition<MinkmsConnectorOptions> = Object.freeze({
  type: 'minkms',
  kind: 'minkms',
  packageName: '@kmskit/conn-minkms',
  create: (options: MinkmsConnectorOptions) => createMinkmsConnector(options),
  fromEnv: minkmsOptionsFromEnv,
});
