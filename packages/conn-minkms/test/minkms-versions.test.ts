import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectionOf, startPair } from './helpers.js';

/** Seals in MinIO's builtin layout (ciphertext ‖ tag ‖ IV ‖ nonce): a ciphertext without a version. */
function sealUntagged(key: Uint8Array, plaintext: Uint8Array, associatedData: string): Buffer {
  const iv = randomBytes(16);
  const nonce = randomBytes(12);
  const cipher = createCipheriv(
    'aes-256-gcm',
    createHmac('sha256', key).update(iv).digest(),
    nonce,
  );
  cipher.setAAD(Buffer.from(associatedData));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag(), iv, nonce]);
}

describe('MinKMS key versions', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['ring'] });
  });
  afterAll(() => pair.close());

  it('decrypts with the stored version', async () => {
    const key = await pair.kms.generateKey({ name: 'ring' });
    const plaintext = await pair.kms.decrypt({
      name: 'ring',
      ciphertext: key.ciphertext,
      version: key.version,
    });
    expect(key.version).toBe(1);
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
  });

  it('rejects a version that does not exist', async () => {
    const key = await pair.kms.generateKey({ name: 'ring' });
    const error = await rejectionOf(
      pair.kms.decrypt({ name: 'ring', ciphertext: key.ciphertext, version: 7 }),
    );
    expect(error.code).toBe('kms:KeyNotFound');
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/has no version 7/);
  });

  it('keeps old versions after rotation', async () => {
    await pair.kms.createKey({ name: 'rotating' });
    const old = await pair.kms.generateKey({ name: 'rotating', context: { a: '1' } });
    expect(pair.server.addKeyVersion('rotating')).toBe(2);
    const fresh = await pair.kms.generateKey({ name: 'rotating', context: { a: '1' } });

    expect(old.version).toBe(1);
    expect(fresh.version).toBe(2);
    for (const [key, version] of [
      [old, 1],
      [old, 0],
      [fresh, 2],
      [fresh, 0],
    ] as const) {
      const plaintext = await pair.kms.decrypt({
        name: 'rotating',
        ciphertext: key.ciphertext,
        version,
        context: { a: '1' },
      });
      expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
    }
    const wrong = await rejectionOf(
      pair.kms.decrypt({
        name: 'rotating',
        ciphertext: fresh.ciphertext,
        version: 1,
        context: { a: '1' },
      }),
    );
    expect(wrong.code).toBe('kms:InvalidCiphertextException');
  });

  it('reads the version tag for version 0', async () => {
    await pair.kms.createKey({ name: 'tagged' });
    const first = await pair.kms.generateKey({ name: 'tagged' });
    pair.server.addKeyVersion('tagged');
    pair.server.addKeyVersion('tagged');
    expect(Buffer.from(first.ciphertext).readUInt32BE(0)).toBe(1);
    const plaintext = await pair.kms.decrypt({ name: 'tagged', ciphertext: first.ciphertext });
    expect(Buffer.from(plaintext).equals(Buffer.from(first.plaintext!))).toBe(true);
  });

  it('decrypts ciphertexts from before versions', async () => {
    const master = randomBytes(32);
    pair.server.createKey('imported', { key: master });
    const dek = randomBytes(32);
    const ciphertext = sealUntagged(master, dek, '{"bucket":"bucket/object"}');
    pair.server.addKeyVersion('imported');
    const context = { bucket: 'bucket/object' };

    for (const version of [0, 1]) {
      const plaintext = await pair.kms.decrypt({ name: 'imported', ciphertext, version, context });
      expect(Buffer.from(plaintext).equals(dek)).toBe(true);
    }
    const wrong = await rejectionOf(
      pair.kms.decrypt({ name: 'imported', ciphertext, version: 2, context }),
    );
    expect(wrong.code).toBe('kms:InvalidCiphertextException');
  });
});
