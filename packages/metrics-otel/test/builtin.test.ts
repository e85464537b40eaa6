import { randomBytes } from 'node:crypto';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS } from '@kmskit/core';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ATTR_KMS_CONNECTOR_TYPE,
  ATTR_KMS_ERROR_CODE,
  ATTR_KMS_OPERATION,
  ATTR_KMS_OUTCOME,
  instrumentKms,
  KMS_REQUEST_DURATION_METRIC,
  KMS_REQUESTS_METRIC,
  type KmsInstrumentation,
} from '../src/index.js';
import { createMeterSetup, pointsOf } from './helpers/otel.js';

let instrumentation: KmsInstrumentation | undefined;
afterEach(() => instrumentation?.close());

describe('builtin connector calls', () => {
  it('counts each operation and outcome', async () => {
    const { provider, reader } = createMeterSetup();
    const kms = createKMS({
      connector: createBuiltinConnector({ keyName: 'minio-default-key', key: randomBytes(32) }),
    });
    instrumentation = instrumentKms({ kms, meterProvider: provider });

    const context = { bucket: 'bucket/object' };
    const keys = [];
    for (let i = 0; i < 3; i++) keys.push(await kms.generateKey({ context }));
    for (const key of keys) {
      await kms.decrypt({ name: key.keyId, ciphertext: key.ciphertext, context });
    }
    await expect(
      kms.decrypt({ name: 'minio-default-key', ciphertext: keys[0]!.ciphertext, context: {} }),
    ).rejects.toMatchObject({ code: 'kms:InvalidCiphertextException' });
    await expect(kms.generateKey({ name: 'no-such-key' })).rejects.toMatchObject({
      code: 'kms:KeyNotFound',
    });
    await expect(kms.createKey({ name: 'another-key' })).rejects.toMatchObject({
      code: 'kms:NotSupported',
    });

    const { resourceMetrics } = await reader.collect();
    const counts = Object.fromEntries(
      pointsOf(resourceMetrics, KMS_REQUESTS_METRIC).map((point) => [
        [
          point.attributes[ATTR_KMS_OPERATION],
          point.attributes[ATTR_KMS_OUTCOME],
          point.attributes[ATTR_KMS_ERROR_CODE] ?? '-',
        ].join(' '),
        point.value,
      ]),
    );
    expect(counts).toEqual({
      'generateKey success -': 3,
      'decrypt success -': 3,
      'decrypt error kms:InvalidCiphertextException': 1,
      'generateKey error kms:KeyNotFound': 1,
      'createKey failure kms:NotSupported': 1,
    });
    const durations = pointsOf<Histogram>(resourceMetrics, KMS_REQUEST_DURATION_METRIC);
    expect(durations.reduce((sum, point) => sum + point.value.count, 0)).toBe(9);
    for (const point of durations) {
      expect(point.attributes[ATTR_KMS_CONNECTOR_TYPE]).toBe('builtin');
    }
  });
});
