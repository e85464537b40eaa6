// MinIO KMS: start a local MinKMS test server, configure the connector with MinIO's variables, use it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { minkmsConnector } from '@kmskit/conn-minkms';
import { createConnectorRegistry } from '@kmskit/core';
import { startMinkmsServer } from '@kmskit/testing';

const server = await startMinkmsServer({ listeners: 2 });
// The CA certificate goes into a private temporary directory, removed at the end.
const directory = mkdtempSync(join(tmpdir(), 'kmskit-minkms-'));
const caFile = join(directory, 'ca.pem');
try {
  writeFileSync(caFile, server.ca);

  const env = {
    MINIO_KMS_SERVER: server.endpoints.join(','),
    MINIO_KMS_ENCLAVE: server.enclave,
    MINIO_KMS_API_KEY: server.apiKey,
    MINIO_KMS_SSE_KEY: 'minio-default-key',
    KMSKIT_MINKMS_CAPATH: caFile,
  };
  const kms = await createConnectorRegistry().register(minkmsConnector).createFromEnv(env);

  await kms.createKey({ name: 'minio-default-key' });
  const key = await kms.generateKey({ context: { bucket: 'bucket/object' } });
  const plaintext = await kms.decrypt({
    name: key.keyId,
    version: key.version,
    ciphertext: key.ciphertext,
    context: { bucket: 'bucket/object' },
  });

  console.log(
    `minkms: ${Buffer.from(plaintext).equals(key.plaintext) ? 'round trip ok' : 'MISMATCH'} (key version ${key.version})`,
  );
  await kms.close();
} finally {
  await server.close();
  rmSync(directory, { recursive: true, force: true });
}
