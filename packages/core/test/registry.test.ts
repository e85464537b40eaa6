import { describe, expect, it } from 'vitest';
import { KmsConfigurationError } from '../src/env.js';
import type { ConnectorDefinition } from '../src/registry.js';
import { createConnectorRegistry } from '../src/registry.js';
import { fakeConnector } from './helpers.js';

const builtinLike: ConnectorDefinition<{ name: string }> = {
  type: 'builtin',
  kind: 'builtin',
  packageName: '@kmskit/conn-builtin',
  create: (options) => ({ ...fakeConnector(), type: 'builtin', defaultKeyId: options.name }),
  fromEnv: (env) => ({ name: (env.MINIO_KMS_SECRET_KEY ?? '').split(':')[0]! }),
};

describe('ConnectorRegistry', () => {
  it('creates a KMS by type', async () => {
    const registry = createConnectorRegistry().register(builtinLike);
    const kms = await registry.create('builtin', { name: 'my-key' });
    expect(kms.type).toBe('builtin');
    expect(kms.defaultKeyId).toBe('my-key');
  });

  it('lists registered types for an unknown one', async () => {
    const registry = createConnectorRegistry().register(builtinLike);
    await expect(registry.create('vault', {})).rejects.toThrow(
      "unknown connector type 'vault': registered types are 'builtin'; register its definition first",
    );
    await expect(createConnectorRegistry().create('vault', {})).rejects.toThrow(
      /registered types are none/,
    );
  });

  it('keeps registries apart', () => {
    const first = createConnectorRegistry().register(builtinLike);
    const second = createConnectorRegistry();
    expect(first.types()).toEqual(['builtin']);
    expect(second.types()).toEqual([]);
  });

  it('rejects duplicates and malformed definitions', () => {
    const registry = createConnectorRegistry().register(builtinLike);
    expect(() => registry.register(builtinLike)).toThrow(/registered already/);
    expect(() => registry.register({ type: 'Bad Type', create: () => fakeConnector() })).toThrow(
      /invalid connector type/,
    );
    expect(() => registry.register({} as ConnectorDefinition)).toThrow(TypeError);
  });

  it('creates from MinIO variables', async () => {
    const registry = createConnectorRegistry().register(builtinLike);
    const kms = await registry.createFromEnv({ MINIO_KMS_SECRET_KEY: 'env-key:AAAA' });
    expect(kms.defaultKeyId).toBe('env-key');
  });

  it('names the package to install', async () => {
    const registry = createConnectorRegistry().register(builtinLike);
    const error = await registry
      .createFromEnv({
        MINIO_KMS_KES_ENDPOINT: 'https://127.0.0.1:7373',
        MINIO_KMS_KES_KEY_NAME: 'k',
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KmsConfigurationError);
    expect(error.message).toContain('install @kmskit/conn-kes');
  });

  it('rejects two kinds at once', async () => {
    const registry = createConnectorRegistry().register(builtinLike);
    await expect(
      registry.createFromEnv({
        MINIO_KMS_SECRET_KEY: 'k:AAAA',
        MINIO_KMS_SERVER: '127.0.0.1:7373',
      }),
    ).rejects.toThrow(
      /MinIO KMS \(MINIO_KMS_SERVER\) and the builtin KMS \(MINIO_KMS_SECRET_KEY\)/,
    );
  });

  it('selects a third-party type', async () => {
    const registry = createConnectorRegistry().register({
      type: 'vault',
      create: () => ({ ...fakeConnector(), type: 'vault' }),
      fromEnv: () => ({}),
    });
    const kms = await registry.createFromEnv({ KMSKIT_CONNECTOR: 'vault' });
    expect(kms.type).toBe('vault');
    await expect(registry.createFromEnv({})).rejects.toThrow(
      /no KMS configured: .*or KMSKIT_CONNECTOR to a registered connector type/,
    );
  });

  it('names KMSKIT_CONNECTOR when unknown', async () => {
    const registry = createConnectorRegistry().register(builtinLike);
    const error = await registry.createFromEnv({ KMSKIT_CONNECTOR: 'vault' }).catch((e) => e);
    expect(error).toBeInstanceOf(KmsConfigurationError);
    expect(error.message).toBe(
      `KMSKIT_CONNECTOR="vault" names no registered connector: registered types are 'builtin'`,
    );
  });

  it('rejects KMSKIT_CONNECTOR beside MinIO variables', async () => {
    const registry = createConnectorRegistry()
      .register(builtinLike)
      .register({
        type: 'vault',
        create: () => ({ ...fakeConnector(), type: 'vault' }),
        fromEnv: () => ({}),
      });
    const error = await registry
      .createFromEnv({ KMSKIT_CONNECTOR: 'vault', MINIO_KMS_SECRET_KEY: 'k:AAAA' })
      .catch((e) => e);
    expect(error).toBeInstanceOf(KmsConfigurationError);
    expect(error.variables).toEqual(['KMSKIT_CONNECTOR', 'MINIO_KMS_SECRET_KEY']);
    const kms = await registry.createFromEnv({
      KMSKIT_CONNECTOR: 'builtin',
      MINIO_KMS_SECRET_KEY: 'k:AAAA',
    });
    expect(kms.type).toBe('builtin');
  });
});
