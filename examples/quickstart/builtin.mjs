// A builtin KMS from MINIO_KMS_SECRET_KEY: generate a data key for an object, then decrypt it.

import { builtinConnector } from '@kmskit/conn-builtin';
import { createConnectorRegistry } from '@kmskit/core';

const registry = createConnectorRegistry().register(builtinConnector);
const kms = await registry.createFromEnv(process.env); // MINIO_KMS_SECRET_KEY=my-key:<base64 of 32 bytes>

const context = { photos: 'photos/2024/a.jpg' };
const key = await kms.generateKey({ context });
const plaintext = await kms.decrypt({ name: key.keyId, ciphertext: key.ciphertext, context });

console.log(
  `key ${key.keyId}: ${Buffer.from(plaintext).equals(key.plaintext) ? 'round trip ok' : 'MISMATCH'}`,
);
key.zero();
