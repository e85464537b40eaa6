/**
 * Configuration from MinIO's variables: `detectKmsKind`, each connector definition's `fromEnv`,
 * `create` on what `fromEnv` returns, and a registry's `createFromEnv`. `fromEnv` may only throw
 * `KmsConfigurationError`; `create` a `TypeError`, `RangeError` or `KmsError`. No message may
 * contain a secret that the environment holds.
 */

import { builtinConnector } from '@kmskit/conn-builtin';
import { kesConnector } from '@kmskit/conn-kes';
import { minkmsConnector } from '@kmskit/conn-minkms';
import {
  type Connector,
  type ConnectorDefinition,
  createConnectorRegistry,
  detectKmsKind,
  type Env,
  KmsConfigurationError,
} from '@kmskit/core';
import fc from 'fast-check';
import {
  BUILTIN_KEY_TEXT,
  createEnvFiles,
  FILE_NAMES,
  KES_API_KEY,
  MINKMS_API_KEY,
  removeEnvFiles,
  resolveFileValue,
} from '../env-files.js';
import { BUILTIN_KEY } from '../fixtures.js';
import { attempt, ensure, expectTyped, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

const file = fc.constantFrom(...FILE_NAMES).map((name) => `$file:${name}`);
const name = fc.constantFrom(
  'my-key',
  'minio-default-key',
  '',
  ' ',
  '-bad',
  'a/b',
  '_',
  'x'.repeat(81),
);
const endpoint = fc.constantFrom(
  'https://127.0.0.1:7373',
  '127.0.0.1:7373',
  'https://kes{1...3}.example.net:7373',
  'http://kms:7373,https://kms2:7373',
  'https://user:pass@kms:7373',
  'https://kms:7373/path',
  ',,',
  '{1...',
  'kms{a...f}:1',
  'kms{3...1}:1',
);
const noise = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 12 }));

/** Values worth trying for each variable. */
const VALUES: Record<string, fc.Arbitrary<string>> = {
  MINIO_KMS_SECRET_KEY: fc.oneof(
    fc.constantFrom(
      BUILTIN_KEY_TEXT,
      `:${Buffer.from(BUILTIN_KEY).toString('base64')}`,
      `${Buffer.from(BUILTIN_KEY).toString('base64')}:fuzz-key`,
      'fuzz-key:AAAA',
      `fuzz-key:${Buffer.from(BUILTIN_KEY).toString('base64url')}`,
    ),
    noise,
  ),
  MINIO_KMS_SECRET_KEY_FILE: fc.oneof(file, noise),
  MINIO_KMS_KES_ENDPOINT: fc.oneof(endpoint, noise),
  MINIO_KMS_KES_KEY_NAME: fc.oneof(name, noise),
  MINIO_KMS_KES_API_KEY: fc.oneof(
    fc.constantFrom(KES_API_KEY, KES_API_KEY.slice(7), `${KES_API_KEY}AA`, MINKMS_API_KEY),
    noise,
  ),
  MINIO_KMS_KES_API_KEY_FILE: file,
  MINIO_KMS_KES_CERT_FILE: fc.oneof(file, noise),
  MINIO_KMS_KES_KEY_FILE: fc.oneof(file, noise),
  MINIO_KMS_KES_KEY_PASSWORD: noise,
  MINIO_KMS_KES_CAPATH: fc.oneof(file, noise),
  MINIO_KMS_SERVER: fc.oneof(endpoint, noise),
  MINIO_KMS_ENCLAVE: fc.oneof(name, noise),
  MINIO_KMS_API_KEY: fc.oneof(
    fc.constantFrom(MINKMS_API_KEY, `${MINKMS_API_KEY}A`, 'k2:AAAA', KES_API_KEY),
    noise,
  ),
  MINIO_KMS_API_KEY_FILE: file,
  MINIO_KMS_SSE_KEY: fc.oneof(name, noise),
  KMSKIT_MINKMS_CAPATH: fc.oneof(file, noise),
  KMSKIT_CONNECTOR: fc.constantFrom('builtin', 'kes', 'minkms', 'other', ''),
};

/** Secrets that must never appear in a message. */
const SECRETS = [
  Buffer.from(BUILTIN_KEY).toString('base64'),
  KES_API_KEY.slice(7),
  MINKMS_API_KEY.slice(3),
];

const DEFINITIONS: Array<ConnectorDefinition<unknown>> = [
  builtinConnector as ConnectorDefinition<unknown>,
  kesConnector as ConnectorDefinition<unknown>,
  minkmsConnector as ConnectorDefinition<unknown>,
];

type Input = Array<[string, string]>;

export const envConfig = defineTarget<Input>({
  name: 'env-config',
  seededRuns: 2000,
  timeoutMs: 10_000,
  arbitrary: fc.uniqueArray(
    fc
      .constantFrom(...Object.keys(VALUES))
      .chain((variable) => VALUES[variable]!.map((value) => [variable, value] as [string, string])),
    { maxLength: 6, selector: ([variable]) => variable },
  ),
  setup: createEnvFiles,
  teardown: async () => removeEnvFiles(),
  async check(entries) {
    const env: Env = Object.fromEntries(entries.map(([k, v]) => [k, resolveFileValue(v)]));
    const messages: string[] = [];
    const record = (error: unknown) => {
      if (error instanceof Error) messages.push(error.message, String(error.cause ?? ''));
    };
    const kind = attempt(() => detectKmsKind(env), ['config']);
    if (kind !== undefined)
      ensure(['builtin', 'kes', 'minkms'].includes(kind), `unknown kind ${kind}`);

    for (const definition of DEFINITIONS) {
      let options: unknown;
      try {
        options = definition.fromEnv!(env);
      } catch (error) {
        record(error);
        if (!(error instanceof KmsConfigurationError)) {
          throw new UnexpectedOutcome(
            `${definition.type}.fromEnv threw a non-configuration error`,
            { cause: error },
          );
        }
        continue;
      }
      let connector: Connector | undefined;
      try {
        connector = await definition.create(options as never);
      } catch (error) {
        record(error);
        expectTyped(error, ['option', 'kms']);
      }
      await connector?.close?.();
    }

    const registry = createConnectorRegistry();
    for (const definition of DEFINITIONS) registry.register(definition);
    try {
      const kms = await registry.createFromEnv(env, { timeoutMs: 1000 });
      await kms.close();
    } catch (error) {
      record(error);
      expectTyped(error, ['config', 'option', 'kms']);
    }
    for (const message of messages) {
      for (const secret of SECRETS)
        ensure(!message.includes(secret), 'an error message contains a secret of the environment');
    }
  },
});
