/**
 * Builds the `KMS` that every command uses: from MinIO's environment variables through a
 * connector registry, or, when no KMS variable is set, from the default builtin key file.
 */

import {
  CONNECTOR_TYPE_VARIABLE,
  type ConnectorDefinition,
  type ConnectorRegistry,
  createConnectorRegistry,
  detectKmsKind,
  type Env,
  isPresent,
  type KMS,
  KMS_ENV_VARIABLES,
  type KmsKind,
} from '@kmskit/core';
import { nameEnvironmentVariables } from './config-errors.js';
import { keyFilePermissionWarning, loadOrCreateKeyFile } from './key-file.js';

/** A KMS client and a description of where its configuration came from. */
export interface ConfiguredKms {
  kms: KMS;
  /** Such as `key file /home/me/.config/kmskit/builtin.key` or `MINIO_KMS_SECRET_KEY`. */
  source: string;
}

/**
 * The connector packages the CLI ships, loaded on demand: the remote connectors take hundreds of
 * milliseconds to load, which commands on the builtin KMS need not pay.
 */
const CONNECTOR_LOADERS: Record<KmsKind, () => Promise<ConnectorDefinition<unknown>>> = {
  builtin: async () => asDefinition((await import('@kmskit/conn-builtin')).builtinConnector),
  kes: async () => asDefinition((await import('@kmskit/conn-kes')).kesConnector),
  minkms: async () => asDefinition((await import('@kmskit/conn-minkms')).minkmsConnector),
};

function asDefinition<Options>(
  definition: ConnectorDefinition<Options>,
): ConnectorDefinition<unknown> {
  return definition as ConnectorDefinition<unknown>;
}

/** Creates a registry with the CLI's connectors of the given kinds, by default all of them. */
export async function createCliRegistry(
  kinds: readonly KmsKind[] = ['builtin', 'kes', 'minkms'],
): Promise<ConnectorRegistry> {
  const definitions = await Promise.all(kinds.map((kind) => CONNECTOR_LOADERS[kind]()));
  const registry = createConnectorRegistry();
  for (const definition of definitions) registry.register(definition);
  return registry;
}

/**
 * Creates the KMS the environment configures. The order is: `KMSKIT_CONNECTOR`, the MinKMS, KES
 * or builtin variables (MinIO's rules, two kinds at once is an error), and finally the default
 * key file, which is created on first use. Notices and warnings go to `notice`.
 *
 * `MINIO_KMS_SECRET_KEY` wins over `MINIO_KMS_SECRET_KEY_FILE` when both are set, with a warning,
 * because MinIO itself refuses to start with both. A `MINIO_KMS_SECRET_KEY_FILE` that names no
 * file counts as unset, as in MinIO, but gets a warning, because a mistyped path would otherwise
 * switch keys silently.
 *
 * @throws {KmsConfigurationError} for invalid or conflicting variables.
 */
export async function createConfiguredKms(
  env: Env,
  notice: (text: string) => void,
): Promise<ConfiguredKms> {
  const configured = await configure(env, notice);
  const secretKeyFile = env.MINIO_KMS_SECRET_KEY_FILE;
  if (secretKeyFile && !isPresent(env, 'MINIO_KMS_SECRET_KEY_FILE')) {
    notice(
      `warning: MINIO_KMS_SECRET_KEY_FILE names no file (${secretKeyFile}); using ${configured.source}`,
    );
  }
  return configured;
}

async function configure(env: Env, notice: (text: string) => void): Promise<ConfiguredKms> {
  if (env[CONNECTOR_TYPE_VARIABLE]) {
    const registry = await createCliRegistry();
    return {
      kms: await createFromEnv(registry, env),
      source: `${CONNECTOR_TYPE_VARIABLE}=${env[CONNECTOR_TYPE_VARIABLE]}`,
    };
  }

  const kind = detectKmsKind(env);
  const registry = await createCliRegistry([kind ?? 'builtin']);
  if (kind === 'builtin') {
    const both =
      isPresent(env, 'MINIO_KMS_SECRET_KEY') && isPresent(env, 'MINIO_KMS_SECRET_KEY_FILE');
    if (both) {
      notice(
        'warning: both MINIO_KMS_SECRET_KEY and MINIO_KMS_SECRET_KEY_FILE are set: using MINIO_KMS_SECRET_KEY (MinIO refuses to start with both)',
      );
      const { MINIO_KMS_SECRET_KEY_FILE: _ignored, ...rest } = env;
      return { kms: await createFromEnv(registry, rest), source: 'MINIO_KMS_SECRET_KEY' };
    }
    const source = isPresent(env, 'MINIO_KMS_SECRET_KEY')
      ? 'MINIO_KMS_SECRET_KEY'
      : `MINIO_KMS_SECRET_KEY_FILE (${env.MINIO_KMS_SECRET_KEY_FILE})`;
    return { kms: await createFromEnv(registry, env), source };
  }
  if (kind) {
    const variable = KMS_ENV_VARIABLES[kind][0]!;
    return {
      kms: await createFromEnv(registry, env),
      source: `${variable}=${env[variable] ?? ''}`,
    };
  }

  const file = await loadOrCreateKeyFile(env);
  if (file.created) notice(`created a new builtin key at ${file.path} (mode 0600)`);
  const warning = keyFilePermissionWarning(file);
  if (warning) notice(warning);
  if (file.secretKey.trim() === '') {
    throw new Error(
      `the key file ${file.path} is empty: delete it so that kmskit creates a new key, or write '<name>:<base64 of 32 bytes>' into it`,
    );
  }
  try {
    const kms = await createBuiltinKms(file.secretKey, registry);
    return { kms, source: `key file ${file.path}` };
  } catch (error) {
    throw new Error(`the key file ${file.path} is invalid: ${(error as Error).message}`);
  }
}

/** Creates the KMS the environment configures, with errors that name the variables. */
async function createFromEnv(registry: ConnectorRegistry, env: Env): Promise<KMS> {
  try {
    return await registry.createFromEnv(env);
  } catch (error) {
    throw nameEnvironmentVariables(error);
  }
}

/**
 * Creates a builtin KMS from a MINIO_KMS_SECRET_KEY value, such as one of the demo's MinIO keys.
 */
export function createBuiltinKms(secretKey: string, registry: ConnectorRegistry): Promise<KMS> {
  return registry.create('builtin', { secretKey });
}
