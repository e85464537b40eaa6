import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createSseAdapter,
  encryptedSize,
  type ObjectUpload,
  type SseAdapter,
  sseTypeOf,
} from '../src/index.js';
import {
  builtinKms,
  customerKeyHeaders,
  patternBytes,
  rejectS3Error,
  sameBytes,
} from './sse-helpers.js';

const CUSTOMER_KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
const HEADERS: Record<string, Record<string, string>> = {
  'SSE-S3': { 'X-Amz-Server-Side-Encryption': 'AES256' },
  'SSE-KMS': { 'x-amz-server-side-encryption': 'aws:kms' },
  'SSE-C': customerKeyHeaders(CUSTOMER_KEY),
};

/** Writes `content` through the upload's encrypting stream in uneven chunks. */
async function writeBody(upload: ObjectUpload, content: Uint8Array): Promise<Uint8Array> {
  const chunks = [
    content.subarray(0, 1000),
    content.subarray(1000, 70_001),
    content.subarray(70_001),
  ];
  const stored: Buffer[] = [];
  await pipeline(
    Readable.from(chunks.filter((chunk) => chunk.length > 0)),
    upload.createEncryptStream(),
    async (source) => {
      for await (const chunk of source) stored.push(chunk);
    },
  );
  return new Uint8Array(Buffer.concat(stored));
}

async function putObject(sse: SseAdapter, headers: Record<string, string>, content: Uint8Array) {
  const upload = await sse.prepareUpload({ bucket: 'photos', object: '2024/a.jpg', headers });
  const stored = await writeBody(upload, content);
  const { etag, clientETag } = upload.finish(createHash('md5').update(content).digest());
  upload.dispose();
  return { upload, stored, etag, clientETag };
}

describe('adapter PUT and GET', () => {
  const sse = createSseAdapter({ kms: builtinKms() });

  for (const type of ['SSE-S3', 'SSE-KMS', 'SSE-C'] as const) {
    it(`round-trips ${type} objects`, async () => {
      for (const size of [0, 1, 65_535, 65_536, 65_537, 200_000]) {
        const content = patternBytes(size);
        const { upload, stored, etag, clientETag } = await putObject(sse, HEADERS[type]!, content);
        expect(upload.type).toBe(type);
        expect(sseTypeOf(upload.metadata)).toBe(type);
        expect(stored.length, `${type} ${size}`).toBe(encryptedSize(size));
        expect(upload.storedSize(size)).toBe(stored.length);

        const reader = await sse.openObject({
          bucket: 'photos',
          object: '2024/a.jpg',
          headers: type === 'SSE-C' ? HEADERS[type] : {},
          method: 'GET',
          metadata: upload.metadata,
          size: stored.length,
          etag,
        });
        expect(reader.size).toBe(size);
        expect(reader.etag).toBe(clientETag);
        expect(reader.responseHeaders).toEqual(upload.responseHeaders);
        const plaintext = await buffer(Readable.from([stored]).pipe(reader.createDecryptStream()));
        expect(sameBytes(plaintext, content), `${type} ${size}`).toBe(true);
        expect(sameBytes(reader.decrypt(stored), content)).toBe(true);
        reader.dispose();
      }
    });
  }

  it('shows SSE-S3 ETags as MD5', async () => {
    const content = patternBytes(1234);
    const md5 = createHash('md5').update(content).digest('hex');
    const s3 = await putObject(sse, HEADERS['SSE-S3']!, content);
    expect(s3.clientETag).toBe(md5);
    expect(s3.etag).toHaveLength(96);
    expect(s3.etag.startsWith('20000f00')).toBe(true);
  });

  it('computes listing ETags', async () => {
    const content = patternBytes(10);
    const md5 = createHash('md5').update(content).digest('hex');
    const s3 = await putObject(sse, HEADERS['SSE-S3']!, content);
    const listing = (metadata: Record<string, string>, etag: string) =>
      sse.listingETag({ bucket: 'photos', object: '2024/a.jpg', metadata, etag });
    expect(await listing(s3.upload.metadata, s3.etag)).toBe(md5);
    const ssec = await putObject(sse, HEADERS['SSE-C']!, content);
    expect(await listing(ssec.upload.metadata, ssec.etag)).toBe(ssec.clientETag);
    expect(await listing({}, md5)).toBe(md5);
    const multipart = { ...s3.upload.metadata, 'X-Minio-Internal-Encrypted-Multipart': '' };
    expect(await listing(multipart, `${md5}-3`)).toBe(`${md5}-3`);
  });

  it('hides MD5 without Content-MD5', async () => {
    const content = patternBytes(1234);
    const md5 = createHash('md5').update(content).digest('hex');
    for (const type of ['SSE-KMS', 'SSE-C'] as const) {
      const first = await putObject(sse, HEADERS[type]!, content);
      const second = await putObject(sse, HEADERS[type]!, content);
      expect(first.clientETag).toBe(first.etag.slice(-32));
      expect(first.clientETag).not.toBe(md5);
      expect(first.clientETag).not.toBe(second.clientETag);
    }
  });

  it('seals MD5 with Content-MD5', async () => {
    const content = patternBytes(99);
    const digest = createHash('md5').update(content).digest();
    const headers = { ...HEADERS['SSE-KMS'], 'Content-MD5': digest.toString('base64') };
    const upload = await sse.prepareUpload({ bucket: 'b', object: 'o', headers });
    const { etag } = upload.finish(digest);
    const reader = await sse.openObject({
      bucket: 'b',
      object: 'o',
      metadata: upload.metadata,
      size: 0,
      etag,
    });
    // SSE-KMS shows the tag; the sealed value still is the MD5, as rotation tooling can check.
    expect(reader.etag).toBe(etag.slice(-32));
  });

  it('reads ranges of encrypted objects', async () => {
    const content = patternBytes(300_000);
    const { upload, stored, etag } = await putObject(sse, HEADERS['SSE-S3']!, content);
    const reader = await sse.openObject({
      bucket: 'photos',
      object: '2024/a.jpg',
      metadata: upload.metadata,
      size: stored.length,
      etag,
    });
    const cases: Array<[string, number, number]> = [
      ['bytes=0-0', 0, 1],
      ['bytes=65535-65536', 65_535, 2],
      ['bytes=65536-65536', 65_536, 1],
      ['bytes=-8', 299_992, 8],
      ['bytes=131000-', 131_000, 169_000],
      ['bytes=100-299999999', 100, 299_900],
    ];
    for (const [range, offset, length] of cases) {
      const read = reader.read(range);
      expect(read.offset, range).toBe(offset);
      expect(read.length, range).toBe(length);
      expect(read.contentRange, range).toBe(`bytes ${offset}-${offset + length - 1}/300000`);
      const slice = stored.subarray(read.storedOffset, read.storedOffset + read.storedLength);
      const expected = content.subarray(offset, offset + length);
      expect(sameBytes(read.decrypt(slice), expected), range).toBe(true);
      const streamed = await buffer(Readable.from([slice]).pipe(read.createDecryptStream()));
      expect(sameBytes(streamed, expected), range).toBe(true);
    }
    expect(() => reader.read('bytes=300000-')).toThrow(expect.objectContaining({ status: 416 }));
  });

  it('works with Web streams', async () => {
    const content = patternBytes(140_000);
    const upload = await sse.prepareUpload({
      bucket: 'b',
      object: 'o',
      headers: HEADERS['SSE-KMS'],
    });
    const input = new Blob([content.subarray(0, 70_000), content.subarray(70_000)]).stream();
    const stored = new Uint8Array(
      await new Response(input.pipeThrough(upload.createEncryptWebStream())).arrayBuffer(),
    );
    expect(stored.length).toBe(encryptedSize(content.length));
    const reader = await sse.openObject({
      bucket: 'b',
      object: 'o',
      metadata: upload.metadata,
      size: stored.length,
    });
    const read = reader.read('bytes=1-139998');
    const slice = stored.subarray(read.storedOffset, read.storedOffset + read.storedLength);
    const output = new Blob([slice]).stream().pipeThrough(read.createDecryptWebStream());
    const plaintext = new Uint8Array(await new Response(output).arrayBuffer());
    expect(sameBytes(plaintext, content.subarray(1, 139_999))).toBe(true);
  });

  it('passes unencrypted objects through', async () => {
    const plain = createSseAdapter();
    const content = patternBytes(5000);
    const upload = await plain.prepareUpload({ bucket: 'b', object: 'o' });
    expect(upload.encrypted).toBe(false);
    expect(upload.metadata).toEqual({});
    expect(upload.responseHeaders).toEqual({});
    const stored = await writeBody(upload, content);
    expect(sameBytes(stored, content)).toBe(true);
    const md5 = createHash('md5').update(content).digest('hex');
    expect(upload.finish(md5)).toEqual({ etag: md5, clientETag: md5 });

    const reader = await plain.openObject({
      bucket: 'b',
      object: 'o',
      metadata: {},
      size: 5000,
      etag: md5,
    });
    expect(reader.encrypted).toBe(false);
    expect(reader.etag).toBe(md5);
    const read = reader.read('bytes=10-19');
    expect(read.storedOffset).toBe(10);
    expect(read.storedLength).toBe(10);
    expect(read.decrypt(content.subarray(10, 20))).toEqual(content.subarray(10, 20));
  });

  it('detects tampered stored bodies', async () => {
    const content = patternBytes(100_000);
    const { upload, stored, etag } = await putObject(sse, HEADERS['SSE-S3']!, content);
    const tampered = stored.slice();
    tampered[70_000]! ^= 1;
    const reader = await sse.openObject({
      bucket: 'photos',
      object: '2024/a.jpg',
      metadata: upload.metadata,
      size: stored.length,
      etag,
    });
    expect(() => reader.decrypt(tampered)).toThrow(
      expect.objectContaining({ code: 'XMinioObjectTampered' }),
    );
    await expect(
      buffer(Readable.from([tampered]).pipe(reader.createDecryptStream())),
    ).rejects.toMatchObject({
      code: 'XMinioObjectTampered',
    });
    // Truncating at a package boundary is detected too.
    expect(() => reader.decrypt(stored.subarray(0, 65_568))).toThrow(
      expect.objectContaining({ code: 'XMinioObjectTampered' }),
    );
  });

  it('binds objects to their name', async () => {
    const { upload, stored } = await putObject(sse, HEADERS['SSE-S3']!, patternBytes(10));
    const error = await rejectS3Error(
      sse.openObject({
        bucket: 'photos',
        object: '2024/b.jpg',
        metadata: upload.metadata,
        size: stored.length,
      }),
    );
    expect(error.code).toBe('kms:InvalidCiphertextException');
  });

  it('applies bucket default encryption', async () => {
    const aes =
      '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>';
    const upload = await sse.prepareUpload({ bucket: 'b', object: 'o', bucketEncryption: aes });
    expect(upload.type).toBe('SSE-S3');
    const kmsConfig = {
      xmlns: '',
      algorithm: 'aws:kms' as const,
      masterKeyId: 'arn:aws:kms:my-key',
      keyId: 'my-key',
    };
    const kmsUpload = await sse.prepareUpload({
      bucket: 'b',
      object: 'o',
      bucketEncryption: kmsConfig,
    });
    expect(kmsUpload.type).toBe('SSE-KMS');
    expect(kmsUpload.responseHeaders['x-amz-server-side-encryption-aws-kms-key-id']).toBe(
      'arn:aws:kms:my-key',
    );
    // An explicit request wins over the bucket default.
    const ssec = await sse.prepareUpload({
      bucket: 'b',
      object: 'o',
      headers: HEADERS['SSE-C'],
      bucketEncryption: aes,
    });
    expect(ssec.type).toBe('SSE-C');
  });

  it('applies automatic encryption', async () => {
    const auto = createSseAdapter({ kms: builtinKms(), autoEncryption: 'SSE-KMS' });
    const upload = await auto.prepareUpload({ bucket: 'b', object: 'o' });
    expect(upload.type).toBe('SSE-KMS');
    expect(upload.metadata['X-Minio-Internal-Server-Side-Encryption-S3-Kms-Key-Id']).toBe('my-key');
    expect(() => createSseAdapter({ autoEncryption: 'AES' as never })).toThrow(TypeError);
  });

  it('accepts every header shape', async () => {
    const shapes = [
      new Headers(HEADERS['SSE-C']),
      Object.fromEntries(
        Object.entries(HEADERS['SSE-C']!).map(([k, v]) => [k.toLowerCase(), [v, 'ignored']]),
      ),
      Object.fromEntries(Object.entries(HEADERS['SSE-C']!).map(([k, v]) => [k.toUpperCase(), v])),
    ];
    for (const headers of shapes) {
      const upload = await sse.prepareUpload({ bucket: 'b', object: 'o', headers });
      expect(upload.type).toBe('SSE-C');
    }
  });

  it('keeps keys out of output', async () => {
    const upload = await sse.prepareUpload({ bucket: 'b', object: 'o', headers: HEADERS['SSE-C'] });
    const reader = await sse.openObject({
      bucket: 'b',
      object: 'o',
      metadata: upload.metadata,
      headers: HEADERS['SSE-C'],
      size: 0,
    });
    const keyHex = Buffer.from(CUSTOMER_KEY).toString('hex');
    for (const value of [upload, reader, sse]) {
      expect(JSON.stringify(value)).not.toContain(keyHex);
      expect(inspect(value, { depth: 5 })).not.toMatch(/Uint8Array|[0-9a-f]{64}/);
    }
    upload.dispose();
    reader.dispose();
    expect(() => upload.encrypt(new Uint8Array(1))).toThrow(/disposed/);
    expect(() => reader.decrypt(new Uint8Array(0))).toThrow(/disposed/);
  });
});
