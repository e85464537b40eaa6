import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { createSseAdapter, derivePartKey, type SseAdapter } from '../src/index.js';
import {
  builtinKms,
  customerKeyHeaders,
  patternBytes,
  rejectS3Error,
  sameBytes,
} from './sse-helpers.js';

const CUSTOMER_KEY = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const HEADERS: Record<string, Record<string, string>> = {
  'SSE-S3': { 'X-Amz-Server-Side-Encryption': 'AES256' },
  'SSE-KMS': {
    'X-Amz-Server-Side-Encryption': 'aws:kms',
    'X-Amz-Server-Side-Encryption-Context': Buffer.from('{"team":"a"}').toString('base64'),
  },
  'SSE-C': customerKeyHeaders(CUSTOMER_KEY),
};
const location = { bucket: 'bucket', object: 'big/object.bin' };

/** Uploads `contents` as parts 1..n and completes the upload, as an S3 server would. */
async function uploadParts(sse: SseAdapter, type: string, contents: Uint8Array[]) {
  const init = await sse.createMultipartUpload({ ...location, headers: HEADERS[type] });
  const partHeaders = type === 'SSE-C' ? HEADERS[type] : {};
  const stored: Uint8Array[] = [];
  const etags: string[] = [];
  const clientETags: string[] = [];
  for (const [index, content] of contents.entries()) {
    const upload = await sse.openMultipartUpload({
      ...location,
      uploadMetadata: init.metadata,
      headers: partHeaders,
    });
    const part = upload.preparePart(index + 1);
    const body = await buffer(Readable.from([content]).pipe(part.createEncryptStream()));
    stored.push(new Uint8Array(body));
    const { etag, clientETag } = part.finish(createHash('md5').update(content).digest());
    etags.push(etag);
    clientETags.push(clientETag);
    expect(upload.partETag(etag)).toBe(clientETag);
    expect(part.responseHeaders).toEqual(init.responseHeaders);
    part.dispose();
    upload.dispose();
  }
  const parts = stored.map((body, index) => ({ number: index + 1, size: body.length }));
  const done = sse.completeMultipartUpload({
    uploadMetadata: init.metadata,
    parts,
    headers: partHeaders,
  });
  return { init, stored, etags, clientETags, parts, done };
}

describe('adapter multipart uploads', () => {
  const sse = createSseAdapter({ kms: builtinKms() });
  const contents = [patternBytes(150_000), patternBytes(65_536), patternBytes(7)];
  const whole = new Uint8Array(Buffer.concat(contents));

  for (const type of ['SSE-S3', 'SSE-KMS', 'SSE-C'] as const) {
    it(`assembles ${type} uploads`, async () => {
      const { init, stored, clientETags, parts, done } = await uploadParts(sse, type, contents);
      expect(init.type).toBe(type);
      expect(init.metadata['X-Minio-Internal-Encrypted-Multipart']).toBe('');
      expect(Object.keys(init.responseHeaders).length).toBeGreaterThan(0);
      expect(done.size).toBe(whole.length);
      expect(done.metadata['X-Minio-Internal-actual-size']).toBe(String(whole.length));
      expect(done.metadata['X-Minio-Internal-Encrypted-Multipart']).toBe('');
      expect(done.responseHeaders).toEqual(init.responseHeaders);

      const finalETag = `${createHash('md5')
        .update(Buffer.concat(clientETags.map((etag) => Buffer.from(etag, 'hex'))))
        .digest('hex')}-${parts.length}`;
      const reader = await sse.openObject({
        ...location,
        metadata: { 'X-Amz-Meta-Owner': 'me', ...done.metadata },
        headers: type === 'SSE-C' ? HEADERS[type] : {},
        method: 'GET',
        parts,
        etag: finalETag,
      });
      expect(reader.multipart).toBe(true);
      expect(reader.size).toBe(whole.length);
      expect(reader.etag).toBe(finalETag);
      const storedObject = new Uint8Array(Buffer.concat(stored));
      expect(sameBytes(reader.decrypt(storedObject), whole)).toBe(true);
      const streamed = await buffer(
        Readable.from([storedObject]).pipe(reader.createDecryptStream()),
      );
      expect(sameBytes(streamed, whole)).toBe(true);

      // Ranges inside a part, across part boundaries and at the very end.
      for (const [first, last] of [
        [149_990, 150_010],
        [65_535, 65_537],
        [150_000, 215_535],
        [215_530, 215_542],
        [0, 215_542],
      ]) {
        const read = reader.read(`bytes=${first}-${last}`);
        const slice = storedObject.subarray(
          read.storedOffset,
          read.storedOffset + read.storedLength,
        );
        expect(
          sameBytes(read.decrypt(slice), whole.subarray(first, last! + 1)),
          `${first}-${last}`,
        ).toBe(true);
      }
    });
  }

  it('encrypts parts under part keys', async () => {
    const init = await sse.createMultipartUpload({ ...location, headers: HEADERS['SSE-C'] });
    const upload = await sse.openMultipartUpload({
      ...location,
      uploadMetadata: init.metadata,
      headers: HEADERS['SSE-C'],
    });
    const first = upload.preparePart(3).encrypt(patternBytes(100));
    const again = upload.preparePart(3).encrypt(patternBytes(100));
    // A part uploaded twice gets a fresh random nonce (header bytes 4..15).
    expect(Buffer.from(first.subarray(4, 16)).equals(Buffer.from(again.subarray(4, 16)))).toBe(
      false,
    );

    const reader = await sse.openObject({
      ...location,
      metadata: sse.completeMultipartUpload({
        uploadMetadata: init.metadata,
        parts: [{ number: 3, size: first.length }],
      }).metadata,
      headers: HEADERS['SSE-C'],
      parts: [{ number: 3, size: first.length }],
    });
    expect(sameBytes(reader.decrypt(first), patternBytes(100))).toBe(true);
    // Reading it as part 2 uses another part key and fails.
    const wrong = await sse.openObject({
      ...location,
      metadata: init.metadata,
      headers: HEADERS['SSE-C'],
      parts: [{ number: 2, size: first.length }],
    });
    expect(() => wrong.decrypt(first)).toThrow(
      expect.objectContaining({ code: 'XMinioObjectTampered' }),
    );
    expect(derivePartKey(new Uint8Array(32), 1)).toHaveLength(32);
  });

  it('requires SSE-C headers on parts', async () => {
    const init = await sse.createMultipartUpload({ ...location, headers: HEADERS['SSE-C'] });
    const missing = await rejectS3Error(
      sse.openMultipartUpload({ ...location, uploadMetadata: init.metadata }),
    );
    expect(missing.code).toBe('InvalidRequest');
    expect(missing.reason).toBe('SSEMultipartEncrypted');
    const wrongKey = await rejectS3Error(
      sse.openMultipartUpload({
        ...location,
        uploadMetadata: init.metadata,
        headers: customerKeyHeaders(new Uint8Array(32).fill(1)),
      }),
    );
    expect(wrongKey.status).toBe(403);
  });

  it('rejects SSE-C headers on KMS uploads', async () => {
    const init = await sse.createMultipartUpload({ ...location, headers: HEADERS['SSE-S3'] });
    const error = await rejectS3Error(
      sse.openMultipartUpload({
        ...location,
        uploadMetadata: init.metadata,
        headers: HEADERS['SSE-C'],
      }),
    );
    expect(error.reason).toBe('SSEMultipartEncrypted');
  });

  it('checks part numbers', async () => {
    const init = await sse.createMultipartUpload({ ...location, headers: HEADERS['SSE-S3'] });
    const upload = await sse.openMultipartUpload({ ...location, uploadMetadata: init.metadata });
    expect(() => upload.preparePart(0)).toThrow(RangeError);
    expect(() => upload.preparePart(10_001)).toThrow(RangeError);
    expect(() => upload.preparePart(1.5)).toThrow(RangeError);
  });

  it('rejects impossible part sizes', async () => {
    const init = await sse.createMultipartUpload({ ...location, headers: HEADERS['SSE-S3'] });
    const error = (() => {
      try {
        sse.completeMultipartUpload({
          uploadMetadata: init.metadata,
          parts: [{ number: 1, size: 20 }],
        });
      } catch (caught) {
        return caught as { code: string };
      }
      return undefined;
    })();
    expect(error?.code).toBe('XMinioObjectTampered');
  });

  it('passes unencrypted uploads through', async () => {
    const plain = createSseAdapter();
    const init = await plain.createMultipartUpload(location);
    expect(init).toEqual({ type: undefined, metadata: {}, responseHeaders: {} });
    const upload = await plain.openMultipartUpload({ ...location, uploadMetadata: {} });
    const part = upload.preparePart(1);
    expect(part.encrypt(patternBytes(10))).toEqual(patternBytes(10));
    expect(
      plain.completeMultipartUpload({ uploadMetadata: {}, parts: [{ number: 1, size: 10 }] }).size,
    ).toBe(10);
    const error = await rejectS3Error(
      plain.openMultipartUpload({ ...location, uploadMetadata: {}, headers: HEADERS['SSE-C'] }),
    );
    expect(error.reason).toBe('InvalidEncryptionParameters');
  });
});
