// A builtin KMS from MINIO_KMS_SECRET_KEY: generate a data key for an object, then decrypt it.

import { builtinConnector } from '@kmskit/conn-builtin';
import { createConnectorRegistry, KmsConfigurationError } from '@kmskit/core';

if (!process.env.MINIO_KMS_SECRET_KEY && !process.env.MINIO_KMS_SECRET_KEY_FILE) {
  console.error(
    'builtin.mjs: set MINIO_KMS_SECRET_KEY to <key name>:<base64 of 32 bytes>, for example MINIO_KMS_SECRET_KEY="my-key:$(head -c 32 /dev/urandom | base64)" node builtin.mjs',
  );
  process.exit(1);
}

const registry = createConnectorRegistry().register(builtinConnector);
let kms;
try {
  kms = await registry.createFromEnv(process.env); // MINIO_KMS_SECRET_KEY=my-key:<base64 of 32 bytes>
} catch (error) {
  if (!(error instanceof KmsConfigurationError)) throw error;
  console.error(`builtin.mjs: ${error.message}`);
  process.exit(1);
}

const context = { photos: 'photos/2024/a.jpg' };
const key = await kms.generateKey({ context });
const plaintext = await kms.decrypt({ name: key.keyId, ciphertext: key.ciphertext, context });

console.log(
  `key ${key.keyId}: ${Buffer.from(plaintext).equals(key.plaintext) ? 'round trip ok' : 'MISMATCH'}`,
);
key.zero();
