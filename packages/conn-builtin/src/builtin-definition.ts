/** The builtin connector's registry definition and its configuration from MinIO's variables. */

import { readFileSync } from 'node:fs';
import { type ConnectorDefinition, type Env, isPresent, KmsConfigurationError } from '@kmskit/core';
import {
  type BuiltinConnector,
  type BuiltinConnectorOptions,
  createBuiltinConnector,
} from './builtin-connector.js';
import { parseSecretKey } from './secret-key.js';

const SECRET_KEY = 'MINIO_KMS_SECRET_KEY';
const SECRET_KEY_FILE = 'MINIO_KMS_SECRET_KEY_FILE';

/** The builtin connector's definition, with the exact types of `create` and `fromEnv`. */
export interface BuiltinConnectorDefinition extends ConnectorDefinition<BuiltinConnectorOptions> {
  create(options: BuiltinConnectorOptions): BuiltinConnector;
  fromEnv(env: Env): BuiltinConnectorOptions;
}

/**
 * The builtin connector for a `ConnectorRegistry` (`type: 'builtin'`, `kind: 'builtin'`).
 *
 * @example
 * const registry = createConnectorRegistry().register(builtinConnector);
 * const kms = await registry.createFromEnv(process.env);
 */
export const builtinConnector: BuiltinConnectorDefinition = {
  type: 'builtin',
  kind: 'builtin',
  packageName: '@kmskit/conn-builtin',
  create: createBuiltinConnector,
  fromEnv: builtinOptionsFromEnv,
};

/**
 * Reads the static key from `MINIO_KMS_SECRET_KEY`, or from the file named by
 * `MINIO_KMS_SECRET_KEY_FILE`, by MinIO's rules: an empty `MINIO_KMS_SECRET_KEY` counts as unset,
 * and so does a `MINIO_KMS_SECRET_KEY_FILE` that is empty or names no existing path. The file's
 * content is used as it is; line breaks inside the base64 part are ignored when it is parsed.
 *
 * @throws {KmsConfigurationError} when both variables are set, neither is, the file cannot be read
 *   or the value is malformed. Messages name the variable and never contain the key.
 */
export function builtinOptionsFromEnv(env: Env): BuiltinConnectorOptions {
  const fromVariable = isPresent(env, SECRET_KEY);
  const fromFile = isPresent(env, SECRET_KEY_FILE);
  if (fromVariable && fromFile) {
    throw new KmsConfigurationError(
      `both ${SECRET_KEY} and ${SECRET_KEY_FILE} are set: keep only one of them`,
      [SECRET_KEY, SECRET_KEY_FILE],
    );
  }
  if (fromFile) return parse(readSecretFile(env[SECRET_KEY_FILE]!), SECRET_KEY_FILE);
  if (fromVariable) return parse(env[SECRET_KEY]!, SECRET_KEY);

  const file = env[SECRET_KEY_FILE];
  if (file) {
    throw new KmsConfigurationError(
      `${SECRET_KEY_FILE} names ${JSON.stringify(file)}, which does not exist: point it at the file that contains '<name>:<base64 key>' or set ${SECRET_KEY}`,
      [SECRET_KEY_FILE],
    );
  }
  throw new KmsConfigurationError(
    `missing builtin KMS key: set ${SECRET_KEY} to '<name>:<base64 of 32 bytes>' or ${SECRET_KEY_FILE} to a file holding it`,
    [SECRET_KEY, SECRET_KEY_FILE],
  );
}

function readSecretFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'read failed';
    throw new KmsConfigurationError(
      `cannot read ${SECRET_KEY_FILE} ${JSON.stringify(path)} (${code}): check that it is a readable file`,
      [SECRET_KEY_FILE],
    );
  }
  if (text.trim() === '') {
    throw new KmsConfigurationError(
      `${SECRET_KEY_FILE} names ${JSON.stringify(path)}, which is empty: write '<name>:<base64 of 32 bytes>' into it`,
      [SECRET_KEY_FILE],
    );
  }
  return text;
}

function parse(text: string, variable: string): BuiltinConnectorOptions {
  let parsed: ReturnType<typeof parseSecretKey>;
  try {
    parsed = parseSecretKey(text);
  } catch (cause) {
    throw new KmsConfigurationError(`${variable}: ${(cause as Error).message}`, [variable]);
  }
  if (parsed.keyName === '') {
    throw new KmsConfigurationError(
      `${variable}: the key name before ':' is empty: kmskit needs a name to address the key`,
      [variable],
    );
  }
  return parsed;
}
