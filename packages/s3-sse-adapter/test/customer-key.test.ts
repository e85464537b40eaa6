import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSseAdapter, parseSseCHeaders } from '../src/index.js';
import { catchS3Error, customerKeyHeaders, rejectS3Error, toBase64 } from './sse-helpers.js';

// 32 bytes, most of them at or above 0x80, so that any text conversion of the key changes it.
const K1 = Uint8Array.from({ length: 32 }, (_, i) => 0x80 + i * 3);
const K2 = Uint8Array.from({ length: 32 }, (_, i) => 0xff - i);

describe('SSE-C customer key', () => {
  it('accepts base64 MD5 of raw bytes', () => {
    const headers = customerKeyHeaders(K1);
    const md5 = headers['X-Amz-Server-Side-Encryption-Customer-Key-Md5']!;
    expect(md5).toHaveLength(24);
    const key = parseSseCHeaders(headers);
    expect(key.bytes).toEqual(K1);
    expect(key.md5).toBe(md5);
  });

  it('rejects MD5 of the base64 text', () => {
    const headers = customerKeyHeaders(K1);
    headers['X-Amz-Server-Side-Encryption-Customer-Key-Md5'] = createHash('md5')
      .update(toBase64(K1))
      .digest('base64');
    const error = catchS3Error(() => parseSseCHeaders(headers));
    expect(error.reason).toBe('CustomerKeyMD5Mismatch');
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      'The calculated MD5 hash of the key did not match the hash that was provided.',
    );
  });

  it('rejects doubly encoded MD5', () => {
    const headers = customerKeyHeaders(K1);
    const md5 = headers['X-Amz-Server-Side-Encryption-Customer-Key-Md5']!;
    headers['X-Amz-Server-Side-Encryption-Customer-Key-Md5'] = Buffer.from(md5).toString('base64');
    expect(catchS3Error(() => parseSseCHeaders(headers)).reason).toBe('CustomerKeyMD5Mismatch');
  });

  it('compares MD5 case-sensitively', () => {
    const headers = customerKeyHeaders(K1);
    const md5 = headers['X-Amz-Server-Side-Encryption-Customer-Key-Md5']!;
    const swapped = [...md5]
      .map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
      .join('');
    expect(swapped).not.toBe(md5);
    headers['X-Amz-Server-Side-Encryption-Customer-Key-Md5'] = swapped;
    expect(catchS3Error(() => parseSseCHeaders(headers)).reason).toBe('CustomerKeyMD5Mismatch');
  });

  it('rejects keys of wrong length', () => {
    const short = K1.subarray(0, 31);
    const headers = customerKeyHeaders(short);
    const error = catchS3Error(() => parseSseCHeaders(headers));
    expect(error.code).toBe('AccessDenied');
    expect(error.status).toBe(403);
  });

  it('denies wrong key and tampered seal alike', async () => {
    const sse = createSseAdapter();
    const upload = await sse.prepareUpload({
      bucket: 'b',
      object: 'o',
      headers: customerKeyHeaders(K1),
    });
    const body = upload.encrypt(new TextEncoder().encode('secret data'));
    const read = (metadata: Record<string, string>, key: Uint8Array) =>
      sse.openObject({
        bucket: 'b',
        object: 'o',
        metadata,
        headers: customerKeyHeaders(key),
        size: body.length,
      });

    const wrongKey = await rejectS3Error(read(upload.metadata, K2));

    const sealedName = 'X-Minio-Internal-Server-Side-Encryption-Sealed-Key';
    const sealed = Buffer.from(upload.metadata[sealedName]!, 'base64');
    sealed[40]! ^= 0x01;
    const tampered = await rejectS3Error(
      read({ ...upload.metadata, [sealedName]: sealed.toString('base64') }, K1),
    );

    for (const error of [wrongKey, tampered]) {
      expect(error.code).toBe('AccessDenied');
      expect(error.status).toBe(403);
      expect(error.message).toBe('Access Denied.');
      expect(error.reason).toBe('SecretKeyMismatch');
    }
    const reader = await read(upload.metadata, K1);
    expect(new TextDecoder().decode(reader.decrypt(body))).toBe('secret data');
  });

  it('keeps key bytes out of output', () => {
    const key = parseSseCHeaders(customerKeyHeaders(K1));
    const hex = Buffer.from(K1).toString('hex');
    const b64 = toBase64(K1);
    for (const text of [JSON.stringify(key), inspect(key), String(key)]) {
      expect(text).not.toContain(hex);
      expect(text).not.toContain(b64);
    }
    key.zero();
    expect(key.bytes.every((byte) => byte === 0)).toBe(true);
  });
});
