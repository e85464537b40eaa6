import { DataKey, decodeDataKeyText, encodeContext, encodeDataKeyText } from '@kmskit/core';
import { describe, expect, it } from 'vitest';
import {
  checkReadRequest,
  createSseAdapter,
  parseBucketEncryption,
  removeSensitiveHeaders,
  serializeBucketEncryption,
} from '../src/index.js';
import {
  builtinKms,
  catchS3Error,
  fromBase64,
  fromHex,
  REASON_OF,
  sseVectors,
  toBase64,
} from './sse-helpers.js';

const decoder = new TextDecoder();

describe('request vectors', () => {
  it('parses bucket encryption XML', () => {
    const vectors = sseVectors('bucket-sse-config-parse');
    for (const { name, inputs, expected } of vectors) {
      if (expected.error !== null) {
        const error = catchS3Error(() => parseBucketEncryption(inputs.xml));
        expect(error.detail, name).toBe(expected.error);
        expect(error.code, name).toBe('MalformedXML');
        expect(error.status, name).toBe(400);
        continue;
      }
      const config = parseBucketEncryption(inputs.xml);
      expect(config.algorithm, name).toBe(expected.config.algorithm);
      if (expected.config.xmlns) expect(config.xmlns, name).toBe(expected.config.xmlns);
      if (expected.config.master_key_id) {
        expect(config.masterKeyId, name).toBe(expected.config.master_key_id);
        expect(config.keyId, name).toBe(expected.config.key_id);
      }
      // Go's xml.Marshal of the parsed document reproduces the input when it has a namespace.
      if (inputs.xml.includes('xmlns=')) {
        expect(serializeBucketEncryption(config), name).toBe(inputs.xml);
      }
    }
    expect(vectors.length).toBe(8);
  });

  it('checks read requests against objects', () => {
    const vectors = sseVectors('decrypt-object-info-behaviour');
    for (const { name, inputs, expected } of vectors) {
      const check = () =>
        checkReadRequest({
          metadata: inputs.metadata,
          headers: inputs.headers,
          method: inputs.method,
          storedSize: inputs.object_size,
        });
      if (expected.error === null) {
        expect(check, name).not.toThrow();
      } else {
        expect(catchS3Error(check).reason, name).toBe(REASON_OF[expected.error]);
      }
    }
    expect(vectors.length).toBe(7);
  });

  it('stores SSE-C seals on PUT', async () => {
    const vectors = sseVectors('encrypt-request-behaviour');
    const sse = createSseAdapter();
    for (const { name, inputs, expected } of vectors) {
      const upload = await sse.prepareUpload({
        bucket: inputs.bucket,
        object: inputs.object,
        headers: inputs.headers,
      });
      const stored = { ...removeSensitiveHeaders(inputs.metadata_in), ...upload.metadata };
      for (const entry of expected.metadata_contains) expect(stored, name).toHaveProperty(entry);
      expect(
        Object.keys(stored).some((key) => /customer-key$/i.test(key)),
        name,
      ).toBe(false);
      const body = upload.encrypt(fromHex(inputs.content.hex));
      const reader = await sse.openObject({
        bucket: inputs.bucket,
        object: inputs.object,
        headers: inputs.headers,
        metadata: stored,
        size: body.length,
      });
      expect(reader.decrypt(body), name).toEqual(fromHex(inputs.content.hex));
    }
    expect(vectors.length).toBe(2);
  });

  it('encodes KMS contexts canonically', () => {
    const vectors = sseVectors('kms-context-text');
    for (const { name, inputs, expected } of vectors) {
      const entries = Object.entries<string>(inputs.context ?? {});
      for (const order of [entries, [...entries].reverse()]) {
        const text = encodeContext(inputs.context === null ? undefined : Object.fromEntries(order));
        expect(decoder.decode(text), name).toBe(expected.text);
        expect(toBase64(text), name).toBe(expected.text_b64);
      }
    }
    expect(vectors.length).toBe(4);
  });

  it('documents the DEK text form', () => {
    const vectors = sseVectors('kms-dek-encoding');
    for (const { name, inputs, expected } of vectors) {
      const ciphertext = fromBase64(inputs.dek.ciphertext_b64);
      expect(decoder.decode(ciphertext), name).toBe(expected.ciphertext_decoded);
      for (const version of inputs.dek.version as number[]) {
        const key = new DataKey({
          keyId: 'my-key',
          version,
          plaintext: fromBase64(inputs.dek.plaintext_b64),
          ciphertext,
        });
        const text = encodeDataKeyText(key);
        const fields = Object.keys(JSON.parse(text));
        const order = expected.marshal_text_field_order.filter(
          (field: string) =>
            version !== 0 || !expected.marshal_text_omitempty_fields.includes(field),
        );
        expect(fields, name).toEqual(order);
        expect(JSON.parse(text).ciphertext, name).toBe(inputs.dek.ciphertext_b64);
        expect(decodeDataKeyText(text).plaintext, name).toBeUndefined();
        expect(JSON.stringify(key), name).not.toContain(inputs.dek.plaintext_b64);
      }
    }
    expect(vectors.length).toBe(1);
  });

  it('decrypts legacy builtin ciphertexts', async () => {
    const vectors = sseVectors('builtin-kms-decrypt');
    for (const { name, inputs, expected } of vectors) {
      const kms = builtinKms(inputs.secret_key);
      if (inputs.aad_text !== undefined) {
        expect(decoder.decode(encodeContext(inputs.context ?? undefined)), name).toBe(
          inputs.aad_text,
        );
      }
      const plaintext = await kms.decrypt({
        name: inputs.key_id,
        ciphertext: new TextEncoder().encode(inputs.ciphertext),
        context: inputs.context ?? undefined,
      });
      expect(toBase64(plaintext), name).toBe(expected.plaintext_b64);
      if (expected.aead) expect(JSON.parse(inputs.ciphertext).aead, name).toBe(expected.aead);
    }
    expect(vectors.length).toBe(4);
  });
});
