import { createSecretKey } from 'node:crypto';
import {
  createKMS,
  encodeContext,
  InvalidCiphertextError,
  KeyNotFoundError,
  KmsError,
} from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import { sealCurrentFormat } from '../src/builtin-ciphertext.js';
import { createBuiltinConnector, parseSecretKey } from '../src/index.js';
import { operation, rejection } from './helpers.js';
import { base64, contextOf, expectedOf, hex, toHex, type Vector, vectorsOf } from './vectors.js';

function ciphertextOf(vector: Vector): Uint8Array {
  const { ciphertext_b64, ciphertext_utf8 } = vector.inputs as Record<string, string | undefined>;
  if (ciphertext_b64 !== undefined) return base64(ciphertext_b64);
  return new TextEncoder().encode(ciphertext_utf8 ?? '');
}

describe('secret key parse vectors', () => {
  it('parses or rejects every vector', () => {
    let count = 0;
    for (const vector of vectorsOf('builtin_secret_key_parse')) {
      const expected = expectedOf(vector);
      const value = vector.inputs.value as string;
      if (expected.should_fail) {
        expect(() => parseSecretKey(value), vector.name).toThrow(TypeError);
      } else {
        const parsed = parseSecretKey(value);
        expect(parsed.keyName, vector.name).toBe(expected.key_name);
        expect(toHex(parsed.key), vector.name).toBe(expected.key_hex);
      }
      count++;
    }
    expect(count).toBe(10);
  });
});

describe('builtin decrypt vectors', () => {
  const vectors = vectorsOf('builtin_decrypt');

  it('decrypts every vector via connector', async () => {
    let count = 0;
    for (const vector of vectors) {
      const inputs = vector.inputs as Record<string, string>;
      const connector = createBuiltinConnector({ secretKey: inputs.secret_key! });
      const plaintext = await connector.decrypt(
        {
          name: inputs.key_name!,
          version: 0,
          ciphertext: ciphertextOf(vector),
          associatedData: new TextEncoder().encode(inputs.associated_data_utf8),
        },
        operation(),
      );
      expect(toHex(plaintext), vector.name).toBe(expectedOf(vector).plaintext_hex);
      count++;
    }
    expect(count).toBe(17);
  });

  it('decrypts every vector via KMS', async () => {
    let count = 0;
    for (const vector of vectors) {
      const inputs = vector.inputs as Record<string, string>;
      const kms = createKMS({
        connector: createBuiltinConnector({ secretKey: inputs.secret_key! }),
      });
      const context = contextOf(vector);
      expect(new TextDecoder().decode(encodeContext(context)), vector.name).toBe(
        inputs.associated_data_utf8,
      );
      const plaintext = await kms.decrypt({
        name: inputs.key_name!,
        ciphertext: ciphertextOf(vector),
        context,
      });
      expect(toHex(plaintext), vector.name).toBe(expectedOf(vector).plaintext_hex);
      count++;
    }
    expect(count).toBe(17);
  });

  it('re-encrypts layout vectors byte for byte', () => {
    let count = 0;
    for (const vector of vectors) {
      const layout = expectedOf(vector).layout as Record<string, string> | undefined;
      if (!layout?.iv_hex || !layout.nonce_hex) continue;
      const inputs = vector.inputs as Record<string, string>;
      const { key } = parseSecretKey(inputs.secret_key!);
      const sealed = sealCurrentFormat(
        createSecretKey(key),
        hex(expectedOf(vector).plaintext_hex as string),
        new TextEncoder().encode(inputs.associated_data_utf8),
        hex(layout.iv_hex),
        hex(layout.nonce_hex),
      );
      expect(Buffer.from(sealed).toString('base64'), vector.name).toBe(inputs.ciphertext_b64);
      const length = expectedOf(vector).ciphertext_len;
      if (length !== undefined) expect(sealed.length, vector.name).toBe(length);
      count++;
    }
    expect(count).toBe(13);
  });
});

describe('builtin decrypt error vectors', () => {
  const vectors = vectorsOf('builtin_decrypt_error');

  function checkError(vector: Vector, error: unknown): void {
    const expected = expectedOf(vector).error as string;
    expect(KmsError.isInstance(error), vector.name).toBe(true);
    if (expected === 'ErrKeyNotFound') {
      expect(KeyNotFoundError.isInstance(error), vector.name).toBe(true);
      return;
    }
    // 'ErrDecrypt', and Go's panics on short input, which kmskit turns into the same error.
    expect(expected === 'ErrDecrypt' || expected.startsWith('go-panics'), vector.name).toBe(true);
    expect(InvalidCiphertextError.isInstance(error), vector.name).toBe(true);
    const length = ciphertextOf(vector).length;
    const reason = (error as InvalidCiphertextError).reason;
    expect(reason, vector.name).toBe(length < 44 ? 'malformed' : 'not-authentic');
  }

  it('fails every vector via connector', async () => {
    let count = 0;
    for (const vector of vectors) {
      const inputs = vector.inputs as Record<string, string>;
      const connector = createBuiltinConnector({ secretKey: inputs.secret_key! });
      const error = await rejection(
        connector.decrypt(
          {
            name: inputs.key_name!,
            version: 0,
            ciphertext: ciphertextOf(vector),
            associatedData: new TextEncoder().encode(inputs.associated_data_utf8),
          },
          operation(),
        ),
      );
      checkError(vector, error);
      count++;
    }
    expect(count).toBe(7);
  });

  it('fails every vector via KMS', async () => {
    let count = 0;
    for (const vector of vectors) {
      const inputs = vector.inputs as Record<string, string>;
      const kms = createKMS({
        connector: createBuiltinConnector({ secretKey: inputs.secret_key! }),
      });
      const error = await rejection(
        kms.decrypt({
          name: inputs.key_name!,
          ciphertext: ciphertextOf(vector),
          context: contextOf(vector),
        }),
      );
      checkError(vector, error);
      count++;
    }
    expect(count).toBe(7);
  });
});

describe('KES secret key vectors', () => {
  // These carry raw associated data (empty or 16 zero bytes), which no context encodes to, so
  // they run against the connector; MinIO's own decrypt would be given the same raw bytes.
  it('matches MinIO on every vector', async () => {
    let decrypted = 0;
    let failed = 0;
    for (const vector of vectorsOf('kes_secretkey_decrypt')) {
      const inputs = vector.inputs as Record<string, string>;
      const minio = expectedOf(vector).minio_builtin_equivalent_result as {
        error: string | null;
        plaintext_b64?: string;
      };
      const connector = createBuiltinConnector({
        keyName: 'kes-key',
        key: base64(inputs.key_b64!),
      });
      const result = connector.decrypt(
        {
          name: 'kes-key',
          version: 0,
          ciphertext: ciphertextOf(vector),
          associatedData: base64(inputs.associated_data_b64 ?? ''),
        },
        operation(),
      );
      if (minio.error === null) {
        expect(Buffer.from(await result).toString('base64'), vector.name).toBe(minio.plaintext_b64);
        decrypted++;
      } else {
        const error = await rejection(result);
        expect(InvalidCiphertextError.isInstance(error), vector.name).toBe(true);
        failed++;
      }
    }
    expect(decrypted).toBe(5);
    expect(failed).toBe(10);
  });
});

describe('builtin MAC root credentials', () => {
  const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

  // MinIO derives root credentials from the KMS MAC. The access key maps each of the first 20
  // MAC bytes to ALPHABET[byte mod 36]. The secret key is the unpadded base64 of the first 24
  // bytes, with every '/' replaced by '+'.
  function accessKeyOf(mac: Uint8Array): string {
    return Array.from(mac.subarray(0, 20), (byte) => ALPHABET[byte % 36]).join('');
  }

  function secretKeyOf(mac: Uint8Array): string {
    return Buffer.from(mac.subarray(0, 24))
      .toString('base64')
      .replace(/=+$/, '')
      .replaceAll('/', '+');
  }

  it('derives credentials via connector and KMS', async () => {
    let count = 0;
    for (const vector of vectorsOf('builtin_mac_root_credentials')) {
      const inputs = vector.inputs as { secret_key: string; messages: string[] };
      const expected = expectedOf(vector) as Record<string, string>;
      const connector = createBuiltinConnector({ secretKey: inputs.secret_key });
      const kms = createKMS({ connector });
      const [accessMessage, secretMessage] = inputs.messages.map((m) =>
        new TextEncoder().encode(m),
      );

      const accessMac = await kms.mac({ message: accessMessage! });
      const secretMac = await connector.mac(
        { name: connector.keyName, message: secretMessage! },
        operation(),
      );
      expect(toHex(accessMac), vector.name).toBe(expected.mac_root_access_key_hex);
      expect(toHex(secretMac), vector.name).toBe(expected.mac_root_secret_key_hex);
      expect(accessKeyOf(accessMac), vector.name).toBe(expected.root_access_key);
      expect(secretKeyOf(secretMac), vector.name).toBe(expected.root_secret_key);
      count++;
    }
    expect(count).toBe(2);
  });
});
