import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSseAdapter, S3Error, type SseAdapter } from '../src/index.js';
import { builtinKms, customerKeyHeaders, patternBytes, sameBytes } from './sse-helpers.js';

interface StoredObject {
  body: Buffer;
  metadata: Record<string, string>;
  etag: string;
}

/** A minimal S3-style server: PUT and GET of /bucket/key, objects kept in memory. */
function startServer(sse: SseAdapter): Promise<Server> {
  const objects = new Map<string, StoredObject>();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const [, bucket = '', ...rest] = decodeURIComponent(
      new URL(request.url!, 'http://x').pathname,
    ).split('/');
    const object = rest.join('/');
    if (request.method === 'PUT') {
      const upload = await sse.prepareUpload({ bucket, object, headers: request.headers });
      const md5 = createHash('md5');
      const chunks: Buffer[] = [];
      await pipeline(
        request,
        async function* (source) {
          for await (const chunk of source) {
            md5.update(chunk);
            yield chunk;
          }
        },
        upload.createEncryptStream(),
        async (source) => {
          for await (const chunk of source) chunks.push(chunk);
        },
      );
      const { etag, clientETag } = upload.finish(md5.digest());
      objects.set(`${bucket}/${object}`, {
        body: Buffer.concat(chunks),
        metadata: upload.metadata,
        etag,
      });
      upload.dispose();
      response.writeHead(200, { ...upload.responseHeaders, ETag: `"${clientETag}"` }).end();
      return;
    }
    const stored = objects.get(`${bucket}/${object}`);
    if (!stored) {
      response.writeHead(404).end();
      return;
    }
    const reader = await sse.openObject({
      bucket,
      object,
      headers: request.headers,
      method: request.method,
      metadata: stored.metadata,
      size: stored.body.length,
      etag: stored.etag,
    });
    const read = reader.read(request.headers.range);
    response.writeHead(read.contentRange ? 206 : 200, {
      ...reader.responseHeaders,
      ETag: `"${reader.etag}"`,
      'Content-Length': String(read.length),
      ...(read.contentRange ? { 'Content-Range': read.contentRange } : {}),
    });
    const slice = stored.body.subarray(read.storedOffset, read.storedOffset + read.storedLength);
    await pipeline(Readable.from([slice]), read.createDecryptStream(), response);
    reader.dispose();
  };
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const s3 = S3Error.isInstance(error) ? error : undefined;
      response.writeHead(s3?.status ?? 500, { 'Content-Type': 'application/xml' });
      response.end(s3 ? s3.toXML(request.url) : 'internal error');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('adapter behind an HTTP server', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = await startServer(createSseAdapter({ kms: builtinKms() }));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves SSE-C objects with ranges', async () => {
    const key = new Uint8Array(32).fill(0xa5);
    const content = patternBytes(150_000);
    const put = await fetch(`${base}/bucket/dir/file.bin`, {
      method: 'PUT',
      headers: customerKeyHeaders(key),
      body: content,
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-amz-server-side-encryption-customer-algorithm')).toBe('AES256');

    const full = await fetch(`${base}/bucket/dir/file.bin`, { headers: customerKeyHeaders(key) });
    expect(full.status).toBe(200);
    expect(full.headers.get('etag')).toBe(put.headers.get('etag'));
    expect(sameBytes(new Uint8Array(await full.arrayBuffer()), content)).toBe(true);

    const range = await fetch(`${base}/bucket/dir/file.bin`, {
      headers: { ...customerKeyHeaders(key), Range: 'bytes=65530-65545' },
    });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe('bytes 65530-65545/150000');
    expect(
      sameBytes(new Uint8Array(await range.arrayBuffer()), content.subarray(65_530, 65_546)),
    ).toBe(true);

    const denied = await fetch(`${base}/bucket/dir/file.bin`, {
      headers: customerKeyHeaders(new Uint8Array(32)),
    });
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('serves SSE-KMS objects', async () => {
    const content = patternBytes(1000);
    const put = await fetch(`${base}/bucket/kms`, {
      method: 'PUT',
      headers: {
        'x-amz-server-side-encryption': 'aws:kms',
        'x-amz-server-side-encryption-aws-kms-key-id': 'my-key',
      },
      body: content,
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('x-amz-server-side-encryption-aws-kms-key-id')).toBe(
      'arn:aws:kms:my-key',
    );
    const get = await fetch(`${base}/bucket/kms`);
    expect(get.headers.get('x-amz-server-side-encryption')).toBe('aws:kms');
    expect(sameBytes(new Uint8Array(await get.arrayBuffer()), content)).toBe(true);

    const bad = await fetch(`${base}/bucket/kms`, {
      headers: { 'x-amz-server-side-encryption': 'aws:kms' },
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<Code>BadRequest</Code>');
  });
});
