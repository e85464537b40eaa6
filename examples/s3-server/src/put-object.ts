/**
 * PutObject: the adapter decides the encryption from the request headers and the bucket default,
 * the body streams through its encrypting Transform into a temporary file, and the adapter seals
 * the ETag once the body's MD5 is known.
 */

import { createWriteStream } from 'node:fs';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkClientMetadata } from '@kmskit/s3-sse-adapter';
import { type BodySummary, openRequestBody } from './request-body.js';
import {
  contentTypeOf,
  quoted,
  type RequestContext,
  requireBucket,
  send,
  userMetadataOf,
} from './request-context.js';

/** A request body written to a temporary file. */
export interface ReceivedBody {
  /** The temporary file; commit it or discard it. */
  path: string;
  summary: BodySummary;
}

/**
 * Streams the request body through `transform` into a temporary file. The file is removed when
 * anything fails, digests included.
 */
export async function receiveBody(
  context: RequestContext,
  transform: Duplex,
): Promise<ReceivedBody> {
  const body = openRequestBody(context.request, context.payloadHash);
  const path = context.store.tempPath();
  try {
    await pipeline([...body.streams, transform, createWriteStream(path)]);
    return { path, summary: body.summary() };
  } catch (error) {
    await context.store.discard(path);
    throw error;
  }
}

/** Returns the flexible checksum response header, when the client sent one. */
export function checksumHeaders(summary: BodySummary): Record<string, string> {
  return summary.checksum ? { [summary.checksum.header]: summary.checksum.value } : {};
}

/** Handles PutObject. */
export async function putObject(context: RequestContext): Promise<void> {
  const { store, bucket, key } = context;
  checkClientMetadata(context.request.headers);
  await requireBucket(context);
  const upload = await context.sse.prepareUpload({
    bucket,
    object: key,
    headers: context.request.headers,
    bucketEncryption: await store.readBucketEncryption(bucket),
    secure: context.secure,
  });
  try {
    const received = await receiveBody(context, upload.createEncryptStream());
    const { etag, clientETag } = upload.finish(received.summary.md5);
    try {
      await store.commitObject(
        bucket,
        {
          key,
          size: upload.storedSize(received.summary.size),
          etag,
          lastModified: new Date().toISOString(),
          contentType: contentTypeOf(context),
          userMetadata: userMetadataOf(context),
          internal: upload.metadata,
        },
        received.path,
      );
    } catch (error) {
      await store.discard(received.path);
      throw error;
    }
    send(context, 200, {
      etag: quoted(clientETag),
      ...upload.responseHeaders,
      ...checksumHeaders(received.summary),
    });
  } finally {
    upload.dispose();
  }
}
