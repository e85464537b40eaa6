/**
 * GetObject, HeadObject and DeleteObject. For a read the adapter checks the request's SSE headers
 * against the stored metadata, recovers the object key, and plans which stored bytes a range
 * needs. The server streams exactly those bytes from disk through the decrypting Transform.
 */

import { type FileHandle, open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { ObjectReader } from '@kmskit/s3-sse-adapter';
import { noSuchKey, notImplemented } from './errors.js';
import type { ObjectRecord } from './records.js';
import {
  headerOf,
  queryValue,
  quoted,
  type RequestContext,
  requireBucket,
  send,
} from './request-context.js';

/** Opens a stored object with the adapter, for a read or as the source of a copy. */
export function openStoredObject(
  context: RequestContext,
  record: ObjectRecord,
  options: { bucket: string; method: string; copySource?: boolean },
): Promise<ObjectReader> {
  return context.sse.openObject({
    bucket: options.bucket,
    object: record.key,
    metadata: record.internal,
    headers: context.request.headers,
    method: options.method,
    size: record.size,
    etag: record.etag,
    parts: record.parts?.map(({ number, size }) => ({ number, size })),
    copySource: options.copySource,
    secure: context.secure,
  });
}

/** Reads an object's record, or throws `NoSuchKey`. */
export async function requireObject(
  context: RequestContext,
  bucket: string,
  key: string,
): Promise<ObjectRecord> {
  const record = await context.store.readObject(bucket, key);
  if (!record) throw noSuchKey(key);
  return record;
}

/** Handles GetObject (`head === false`) and HeadObject. */
export async function getObject(context: RequestContext, head: boolean): Promise<void> {
  await requireBucket(context);
  if (queryValue(context, 'partNumber') !== undefined) {
    throw notImplemented('GetObject and HeadObject with partNumber');
  }
  const record = await requireObject(context, context.bucket, context.key);
  const reader = await openStoredObject(context, record, {
    bucket: context.bucket,
    method: head ? 'HEAD' : 'GET',
  });
  try {
    const read = reader.read(headerOf(context, 'range'));
    const headers: Record<string, string> = {
      etag: quoted(reader.etag),
      'last-modified': new Date(record.lastModified).toUTCString(),
      'content-type': record.contentType,
      'content-length': String(read.length),
      'accept-ranges': 'bytes',
      ...record.userMetadata,
      ...reader.responseHeaders,
    };
    if (read.contentRange !== undefined) headers['content-range'] = read.contentRange;
    const status = read.contentRange === undefined ? 200 : 206;
    if (head || read.storedLength === 0) {
      send(context, status, headers);
      return;
    }

    // The file is opened before the status is sent, so an overwrite that removes it in between
    // still ends in an S3 error rather than a broken response.
    const file = await openDataFile(context, record);
    context.response.writeHead(status, headers);
    const stored = file.createReadStream({
      start: read.storedOffset,
      end: read.storedOffset + read.storedLength - 1,
    });
    await pipeline(stored, read.createDecryptStream(), context.response);
  } finally {
    reader.dispose();
  }
}

async function openDataFile(context: RequestContext, record: ObjectRecord): Promise<FileHandle> {
  try {
    return await open(context.store.dataPath(context.bucket, record), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchKey(record.key);
    throw error;
  }
}

/** Handles DeleteObject: 204 whether or not the object existed, as on S3. */
export async function deleteObject(context: RequestContext): Promise<void> {
  await requireBucket(context);
  await context.store.deleteObject(context.bucket, context.key);
  send(context, 204, {});
}
