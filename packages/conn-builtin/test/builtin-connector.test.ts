import { inspect } from 'node:util';
import {
  type Connector,
  createKMS,
  encodeContext,
  InvalidCiphertextError,
  KeyExistsError,
  KeyNotFoundError,
  type KmsError,
  NotSupportedError,
} from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_CAPABILITIES, createBuiltinConnector, parseSecretKey } from '../src/index.js';
import { MY_KEY, MY_KEY_BASE64, MY_KEY_HEX, operation, rejection } from './helpers.js';

const LEGACY_CHACHA =
  '{"aead":"ChaCha20Poly1305","iv":"JbI+vwvYww1lCb5VpkAFuQ==","nonce":"ARjIjJxBSD541Gz8","bytes":"KCbEc2sA0TLvA7aWTWa23AdccVfJMpOxwgG8hm+4PaNrxYfy1xFWZg2gEenVrOgv"}';
const LEGACY_CHACHA_PLAINTEXT = 'zmS7NrG765UZ0ZN85oPjybelxqVvpz01vxsSpOISy2M=';

/** Wraps a connector and counts calls per method, to show that nothing is retried. */
function countingConnector(inner: Connector): { connector: Connector; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const connector = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.set(String(property), (calls.get(String(property)) ?? 0) + 1);
        return value.apply(target, args);
      };
    },
  });
  return { connector, calls };
}

describe('builtin round trip', () => {
  it('generates and decrypts a data key', async () => {
    const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });
    const context = { bucket: 'bucket/object' };
    const first = await kms.generateKey({ context });
    const second = await kms.generateKey({ name: 'my-key', context });

    expect(first.keyId).toBe('my-key');
    expect(first.version).toBe(0);
    expect(first.plaintext).toHaveLength(32);
    expect(first.ciphertext).toHaveLength(76);
    expect(Buffer.from(first.plaintext!).equals(Buffer.from(second.plaintext!))).toBe(false);
    expect(Buffer.from(first.ciphertext).equals(Buffer.from(second.ciphertext))).toBe(false);
    const plaintext = await kms.decrypt({ name: 'my-key', ciphertext: first.ciphertext, context });
    expect(Buffer.from(plaintext).equals(Buffer.from(first.plaintext!))).toBe(true);
  });

  it('keeps the key separate from other keys', async () => {
    const mine = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });
    const other = createKMS({
      connector: createBuiltinConnector({ keyName: 'my-key', key: new Uint8Array(32).fill(7) }),
    });
    const key = await mine.generateKey();
    const error = await rejection(other.decrypt({ name: 'my-key', ciphertext: key.ciphertext }));
    expect(InvalidCiphertextError.isInstance(error)).toBe(true);
    expect((error as InvalidCiphertextError).reason).toBe('not-authentic');
  });
});

describe('builtin key management', () => {
  const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });

  it('rejects creating another key', async () => {
    const error = await rejection(kms.createKey({ name: 'other' }));
    expect(NotSupportedError.isInstance(error)).toBe(true);
    expect((error as KmsError).status).toBe(501);
    expect((error as Error).message).toMatch(/builtin/);
    expect((error as Error).message).toMatch(/static key/);
    expect((error as Error).message).toContain("'other'");
    // The key came from options here, so naming the environment variable would mislead.
    expect((error as Error).message).not.toContain('MINIO_KMS_SECRET_KEY');
  });

  it('reports its own key as existing', async () => {
    const error = await rejection(kms.createKey({ name: 'my-key' }));
    expect(KeyExistsError.isInstance(error)).toBe(true);
    expect((error as KmsError).status).toBe(409);
  });

  it('rejects deleting any key', async () => {
    for (const name of ['my-key', 'other']) {
      const error = await rejection(kms.deleteKey({ name }));
      expect(NotSupportedError.isInstance(error), name).toBe(true);
      expect((error as Error).message, name).toMatch(/builtin KMS .*static key/);
      expect((error as Error).message, name).not.toContain('MINIO_KMS_SECRET_KEY');
    }
  });

  it('lists its one key', async () => {
    expect(await kms.listKeys({ prefix: '*' })).toEqual({ names: ['my-key'], continueAt: '' });
    expect(await kms.listKeys()).toEqual({ names: ['my-key'], continueAt: '' });
    expect((await kms.listKeys({ prefix: 'my-' })).names).toEqual(['my-key']);
    expect((await kms.listKeys({ prefix: 'my-key', limit: 1 })).names).toEqual(['my-key']);
    expect((await kms.listKeys({ prefix: 'other' })).names).toEqual([]);
    expect((await kms.listKeys({ prefix: 'my-key-2' })).names).toEqual([]);
  });

  it('lists by MinIO continueAt rule', async () => {
    expect((await kms.listKeys({ continueAt: 'my-key' })).names).toEqual(['my-key']);
    expect((await kms.listKeys({ continueAt: 'my' })).names).toEqual(['my-key']);
    // MinIO requires the name to start with the continue-at value, not to sort after it.
    expect((await kms.listKeys({ continueAt: 'a' })).names).toEqual([]);
    expect((await kms.listKeys({ continueAt: 'my-key-z' })).names).toEqual([]);
  });

  it('rejects unknown key names', async () => {
    const generate = await rejection(kms.generateKey({ name: 'other', context: { a: 'b' } }));
    expect(KeyNotFoundError.isInstance(generate)).toBe(true);
    expect((generate as Error).message).toContain("'other'");
    const key = await kms.generateKey();
    const decrypt = await rejection(kms.decrypt({ name: 'My-Key', ciphertext: key.ciphertext }));
    expect(KeyNotFoundError.isInstance(decrypt)).toBe(true);
  });

  it('computes the MAC for any name', async () => {
    const message = new TextEncoder().encode('root access key');
    const byDefault = await kms.mac({ message });
    const byOther = await kms.mac({ name: 'other', message });
    expect(Buffer.from(byOther).equals(Buffer.from(byDefault))).toBe(true);
    expect(Buffer.from(byDefault).toString('hex')).toBe(
      'bf4421138329b920afeb9b28fe198e062ec63d09a0104ba44c64e54a6399afe2',
    );
  });

  it('reports version, status and capabilities', async () => {
    expect(await kms.version()).toEqual({ version: 'v1' });
    const status = await kms.status();
    expect(status.type).toBe('builtin');
    expect(status.defaultKeyId).toBe('my-key');
    expect(status.endpoints).toEqual([{ endpoint: '127.0.0.1', state: 'online', version: 'v1' }]);
    expect(kms.capabilities).toEqual({
      createKey: false,
      deleteKey: false,
      listKeys: true,
      mac: true,
      keyVersions: false,
      deleteMissingKey: 'fails',
    });
    expect(BUILTIN_CAPABILITIES).toBe(kms.capabilities);
  });
});

describe('builtin context binding', () => {
  it('rejects every other context', async () => {
    const { connector, calls } = countingConnector(createBuiltinConnector({ secretKey: MY_KEY }));
    const kms = createKMS({ connector });
    const key = await kms.generateKey({ name: 'my-key', context: { bucket: 'b', object: 'o' } });
    const wrong: Array<Record<string, string> | undefined> = [
      { bucket: 'b', object: 'o2' },
      {},
      undefined,
      { bucket: 'b', object: 'o', extra: 'x' },
    ];
    for (const context of wrong) {
      const error = await rejection(
        kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext, context }),
      );
      expect(InvalidCiphertextError.isInstance(error), JSON.stringify(context)).toBe(true);
      expect((error as InvalidCiphertextError).reason).toBe('not-authentic');
      expect((error as KmsError).retryable).toBe(false);
    }
    expect(calls.get('decrypt')).toBe(wrong.length);
    expect(kms.metrics().operations.decrypt.error).toBe(wrong.length);
  });

  it('accepts reordered context keys', async () => {
    const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });
    const key = await kms.generateKey({ context: { bucket: 'b', object: 'o' } });
    const plaintext = await kms.decrypt({
      name: 'my-key',
      ciphertext: key.ciphertext,
      context: { object: 'o', bucket: 'b' },
    });
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
  });
});

describe('builtin malformed ciphertexts', () => {
  const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });

  async function decryptError(ciphertext: Uint8Array): Promise<InvalidCiphertextError> {
    const error = await rejection(kms.decrypt({ name: 'my-key', ciphertext }));
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error).not.toBeInstanceOf(RangeError);
    expect(InvalidCiphertextError.isInstance(error)).toBe(true);
    expect((error as KmsError).code).toBe('kms:InvalidCiphertextException');
    expect((error as KmsError).status).toBe(400);
    return error as InvalidCiphertextError;
  }

  it('rejects empty and short input', async () => {
    expect((await decryptError(new Uint8Array(0))).reason).toBe('malformed');
    expect((await decryptError(crypto.getRandomValues(new Uint8Array(10)))).reason).toBe(
      'malformed',
    );
    expect((await decryptError(new Uint8Array(43))).reason).toBe('malformed');
    const connector = createBuiltinConnector({ secretKey: MY_KEY });
    const direct = await rejection(
      connector.decrypt(
        {
          name: 'my-key',
          version: 0,
          ciphertext: new Uint8Array(0),
          associatedData: encodeContext(),
        },
        operation(),
      ),
    );
    expect((direct as InvalidCiphertextError).reason).toBe('malformed');
  });

  it('rejects changed first and last bytes', async () => {
    const key = await kms.generateKey();
    const first = key.ciphertext.slice();
    first[0] = first[0]! ^ 0xff;
    expect((await decryptError(first)).reason).toBe('not-authentic');
    const last = key.ciphertext.slice();
    last[last.length - 1] = last[last.length - 1]! ^ 0x01;
    expect((await decryptError(last)).reason).toBe('not-authentic');
  });

  it('rejects a truncated legacy JSON', async () => {
    const legacy = new TextEncoder().encode(
      '{"aead":"ChaCha20Poly1305","iv":"JbI+vwvYww1lCb5VpkAFuQ==","nonce":"ARjIjJxBSD541Gz8","bytes":"KCbE"}',
    );
    expect((await decryptError(legacy)).reason).toBe('malformed');
  });

  it('falls back when JSON is not legacy', async () => {
    // A binary ciphertext may start with '{' and end with '}'; such bytes are read as binary.
    const key = await kms.generateKey();
    const looksLikeJson = key.ciphertext.slice();
    looksLikeJson[0] = 0x7b;
    looksLikeJson[looksLikeJson.length - 1] = 0x7d;
    expect((await decryptError(looksLikeJson)).reason).toBe('not-authentic');
    const unknownAead = new TextEncoder().encode(LEGACY_CHACHA.replace('ChaCha20Poly1305', 'X'));
    expect((await decryptError(unknownAead)).reason).toBe('not-authentic');
  });

  it('matches legacy field names case-insensitively', async () => {
    const renamed = LEGACY_CHACHA.replace('"aead"', '"AEAD"')
      .replace('"iv"', '"Iv"')
      .replace('"bytes"', '"BYTES"')
      .replace('{', '{"id":"66687aadf862bd776c8fc18b8e9f8e20",');
    const plaintext = await kms.decrypt({
      name: 'my-key',
      ciphertext: new TextEncoder().encode(renamed),
    });
    expect(Buffer.from(plaintext).toString('base64')).toBe(LEGACY_CHACHA_PLAINTEXT);
  });
});

describe('builtin unaligned buffers', () => {
  it('decrypts pool sub-arrays unchanged', async () => {
    const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });
    const key = await kms.generateKey({ context: { a: 'b' } });
    const junk = Buffer.from([1, 2, 3]);
    const wire = Buffer.from(
      Buffer.concat([junk, Buffer.from(key.ciphertext)]).toString('base64'),
      'base64',
    );
    const ciphertext = wire.subarray(3);
    expect(ciphertext.byteOffset % 4).not.toBe(0);
    const before = Buffer.from(wire);

    const plaintext = await kms.decrypt({ name: 'my-key', ciphertext, context: { a: 'b' } });
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
    expect(wire.equals(before)).toBe(true);
  });

  it('decrypts views at odd offsets', async () => {
    const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });
    const key = await kms.generateKey();
    const big = new Uint8Array(5 + key.ciphertext.length + 7).fill(0xee);
    big.set(key.ciphertext, 5);
    const view = new Uint8Array(big.buffer, 5, key.ciphertext.length);
    const plaintext = await kms.decrypt({ name: 'my-key', ciphertext: view });
    expect(Buffer.from(plaintext).equals(Buffer.from(key.plaintext!))).toBe(true);
    expect(big.subarray(0, 5).every((byte) => byte === 0xee)).toBe(true);
    expect(big.subarray(5 + key.ciphertext.length).every((byte) => byte === 0xee)).toBe(true);
  });

  it('decrypts legacy JSON without mutation', async () => {
    const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });
    const json = new TextEncoder().encode(LEGACY_CHACHA);
    const big = new Uint8Array(json.length + 3);
    big.set(json, 3);
    const view = big.subarray(3);
    const before = big.slice();
    const plaintext = await kms.decrypt({ name: 'my-key', ciphertext: view });
    expect(Buffer.from(plaintext).toString('base64')).toBe(LEGACY_CHACHA_PLAINTEXT);
    expect(Buffer.from(big).equals(Buffer.from(before))).toBe(true);
  });

  it('accepts an unaligned master key', async () => {
    const { key } = parseSecretKey(MY_KEY);
    const big = new Uint8Array(33 + 32);
    big.set(key, 33);
    const connector = createBuiltinConnector({ keyName: 'my-key', key: big.subarray(33) });
    const reference = createBuiltinConnector({ secretKey: MY_KEY });
    const message = new Uint8Array(new ArrayBuffer(40), 3, 17).fill(9);
    const mac = await connector.mac({ name: 'my-key', message }, operation());
    const expected = await reference.mac({ name: 'my-key', message: message.slice() }, operation());
    expect(Buffer.from(mac).equals(Buffer.from(expected))).toBe(true);
    big.fill(0);
    const after = await connector.mac({ name: 'my-key', message }, operation());
    expect(Buffer.from(after).equals(Buffer.from(expected))).toBe(true);
  });
});

describe('builtin secret hiding', () => {
  function expectNoKey(text: string, what: string): void {
    expect(text, what).not.toContain(MY_KEY_BASE64);
    expect(text, what).not.toContain(MY_KEY_BASE64.slice(0, 20));
    expect(text.toLowerCase(), what).not.toContain(MY_KEY_HEX);
    expect(text, what).not.toMatch(/120, 73, 190, 36/);
  }

  it('hides the key from inspection', () => {
    const connector = createBuiltinConnector({ secretKey: MY_KEY });
    const kms = createKMS({ connector });
    const parsed = parseSecretKey(MY_KEY);
    for (const [what, value] of Object.entries({ connector, kms, parsed })) {
      expectNoKey(inspect(value, { showHidden: true, depth: 10 }), `inspect ${what}`);
      expectNoKey(JSON.stringify(value) ?? '', `JSON ${what}`);
      expectNoKey(String(value), `String ${what}`);
    }
    expect(inspect(connector)).toContain('my-key');
    expect(JSON.stringify(parsed)).toBe('{"keyName":"my-key"}');
    expect(Object.keys(parsed)).toEqual(['keyName']);
  });

  it('hides the key from errors', async () => {
    const kms = createKMS({ connector: createBuiltinConnector({ secretKey: MY_KEY }) });
    const errors = [
      await rejection(kms.decrypt({ name: 'my-key', ciphertext: new Uint8Array(80) })),
      await rejection(kms.createKey({ name: 'other' })),
      await rejection(kms.generateKey({ name: 'other' })),
    ];
    for (const value of [
      'my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8',
      'my-key:eEm-JI9_q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=',
      `${MY_KEY_BASE64}:my-key`,
      MY_KEY_BASE64,
    ]) {
      try {
        parseSecretKey(value);
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(7);
    for (const error of errors) {
      expectNoKey((error as Error).message, 'message');
      expectNoKey(inspect(error, { depth: 10 }), 'inspect error');
      expectNoKey(JSON.stringify(error), 'JSON error');
    }
  });

  it('names the format and fix', () => {
    expect(() => parseSecretKey('my-key')).toThrow(/no ':' separates name and key/);
    expect(() => parseSecretKey('')).toThrow(/^invalid builtin secret key: the value is empty; /);
    expect(() => parseSecretKey(' \n')).toThrow(/the value is empty/);
    expect(() => parseSecretKey('my-key:AAAA')).toThrow(/"my-key".*3 bytes, expected 32/);
    expect(() => parseSecretKey(`${MY_KEY_BASE64}:x`)).toThrow(/name looks like a key/);
    expect(() => parseSecretKey('my-key:a b')).toThrow(/<key name>:<base64 of 32 bytes>/);
  });
});

describe('builtin options', () => {
  it('rejects malformed options', () => {
    const make = (options: unknown) => () => createBuiltinConnector(options as never);
    expect(make(undefined)).toThrow(TypeError);
    expect(make({ secretKey: 'nonsense' })).toThrow(TypeError);
    expect(make({ keyName: 'k', key: new Uint8Array(31) })).toThrow(/32 bytes, got 31 bytes/);
    expect(make({ keyName: 'k', key: 'AAAA' })).toThrow(/Uint8Array of 32 bytes, got string/);
    expect(make({ key: new Uint8Array(32) })).toThrow(/`keyName` must be a string/);
    expect(make({ secretKey: `:${MY_KEY_BASE64}` })).toThrow(/key name is empty/);
    expect(make({ keyName: '', key: new Uint8Array(32) })).toThrow(/key name is empty/);
  });

  it('keeps names exactly as given', async () => {
    const connector = createBuiltinConnector({ secretKey: ` my-key:${MY_KEY_BASE64}` });
    const kms = createKMS({ connector });
    expect(kms.defaultKeyId).toBe(' my-key');
    const key = await kms.generateKey();
    expect(key.keyId).toBe(' my-key');
    const error = await rejection(kms.decrypt({ name: 'my-key', ciphertext: key.ciphertext }));
    expect(KeyNotFoundError.isInstance(error)).toBe(true);
  });

  it('never reads the signal', async () => {
    // Every operation is synchronous crypto, and the KMS client rejects aborted calls before it
    // calls the connector, so reading the signal would only cost an AbortController per call.
    const connector = createBuiltinConnector({ secretKey: MY_KEY });
    const options = {
      get signal(): AbortSignal {
        throw new Error('the builtin connector read the signal');
      },
    };
    const key = await connector.generateKey(
      { name: 'my-key', associatedData: encodeContext() },
      options,
    );
    const plaintext = await connector.decrypt(
      { name: 'my-key', version: 0, ciphertext: key.ciphertext, associatedData: encodeContext() },
      options,
    );
    expect(Buffer.from(plaintext)).toEqual(Buffer.from(key.plaintext));
  });
});
