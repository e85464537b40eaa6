/** The directory connector's registry definition. */

import { type ConnectorDefinition, type Env, KmsConfigurationError } from '@kmskit/core';
import {
  createDirConnector,
  type DirConnector,
  type DirConnectorOptions,
} from './dir-connector.js';

/** Environment variable with the key directory. */
export const DIR_KEYS_VARIABLE = 'KMSKIT_DIR_KEYS';
/** Environment variable with the default key name. */
export const DIR_DEFAULT_KEY_VARIABLE = 'KMSKIT_DIR_DEFAULT_KEY';

/** The directory connector's definition, with the exact types of `create` and `fromEnv`. */
export interface DirConnectorDefinition extends ConnectorDefinition<DirConnectorOptions> {
  create(options: DirConnectorOptions): DirConnector;
  fromEnv(env: Env): DirConnectorOptions;
}

/**
 * The directory connector for a `ConnectorRegistry` (`type: 'dir'`). Select it from the
 * environment with `KMSKIT_CONNECTOR=dir`, `KMSKIT_DIR_KEYS` and optionally
 * `KMSKIT_DIR_DEFAULT_KEY`.
 */
export const dirConnector: DirConnectorDefinition = {
  type: 'dir',
  packageName: '@kmskit-examples/connector-dir',
  create: createDirConnector,
  fromEnv(env: Env): DirConnectorOptions {
    const directory = env[DIR_KEYS_VARIABLE];
    if (!directory) {
      throw new KmsConfigurationError(
        `missing ${DIR_KEYS_VARIABLE}: set it to the directory of the key files`,
        [DIR_KEYS_VARIABLE],
      );
    }
    const defaultKeyId = env[DIR_DEFAULT_KEY_VARIABLE];
    return defaultKeyId ? { directory, defaultKeyId } : { directory };
  },
};
