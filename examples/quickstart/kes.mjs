// KES: start a local KES test server, configure the connector with MinIO's variables, use it.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kesConnector } from '@kmskit/conn-kes';
import { createConnectorRegistry } from '@kmskit/core';
import { startKesServer } from '@kmskit/testing';

const kes = await startKesServer({ listeners: 2 });
// The CA certificate goes into a private temporary directory, removed at the end.
const directory = mkdtempSync(join(tmpdir(), 'kmskit-kes-'));
const caFile = join(directory, 'ca.pem');
try {
  writeFileSync(caFile, kes.ca);

  const env = {
    MINIO_KMS_KES_ENDPOINT: kes.endpoints.join(','),
    MINIO_KMS_KES_KEY_NAME: 'minio-default-key',
    MINIO_KMS_KES_API_KEY: kes.apiKey,
    MINIO_KMS_KES_CAPATH: caFile,
  };
  const kms = await createConnectorRegistry().register(kesConnector).createFromEnv(env);

  await kms.createKey({ name: 'minio-default-key' });
  const key = await kms.generateKey({ context: { bucket: 'bucket/object' } });
  const plaintext = await kms.decrypt({
    name: key.keyId,
    ciphertext: key.ciphertext,
    context: { bucket: 'bucket/object' },
  });
  const status = await kms.status();

  console.log(
    `kes: ${Buffer.from(plaintext).equals(key.plaintext) ? 'round trip ok' : 'MISMATCH'}`,
  );
  console.log(`kes: ${status.endpoints.map((e) => `${e.endpoint} ${e.state}`).join(', ')}`);
  await kms.close();
} finally {
  await kes.close();
  rmSync(directory, { recursive: true, force: true });
}
