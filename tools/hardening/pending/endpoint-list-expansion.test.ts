import { KmsConfigurationError, parseEndpointList } from '@kmskit/core';
import { expect, it } from 'vitest';

// Owner: @kmskit/core (src/env.ts). Each ellipsis range is capped at 10 001 values, but ranges in
// one entry multiply: `{0...999}` three times expands to 10^9 strings and the process runs out of
// memory. MinIO's endpoints never need more than a few hundred entries, so a cap on the total
// (with a KmsConfigurationError naming the variable) would turn a crash into a message.
it('parseEndpointList caps the expansion', () => {
  const started = performance.now();
  let outcome: string;
  try {
    const list = parseEndpointList(
      'https://kes{0...999}.{0...999}.{0...9}:7373',
      'MINIO_KMS_KES_ENDPOINT',
    );
    outcome = `${list.length} endpoints`;
  } catch (error) {
    outcome = error instanceof KmsConfigurationError ? 'configuration error' : String(error);
  }
  expect(outcome).toBe('configuration error');
  expect(performance.now() - started).toBeLessThan(1_000);
});
