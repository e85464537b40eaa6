/**
 * CopyObject with encryption changes. A copy of an object onto itself that only changes its keys
 * rewrites metadata and leaves the data alone:
 *
 * - SSE-C to SSE-C with the old key in the copy-source headers: the adapter reseals the object key
 *   with the new customer key (`rotateCustomerKey`);
 * - SSE-S3 or SSE-KMS to SSE-S3 or SSE-KMS (not SSE-KMS to SSE-S3): the adapter reseals the object
 *   key under a fresh KMS data key (`rotateKmsKey`).
 *
 * Every other copy decrypts the source and encrypts it again as the destination headers (or the
 * destination bucket's default encryption) ask.
 */

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkClientMetadata, escapeXml } from '@kmskit/s3-sse-adapter';
import { isValidBucketName } from './bucket-names.js';
import {
  invalidArgument,
  invalidRequest,
  noSuchBucket,
  notImplemented,
  ServerError,
} from './errors.js';
import { openStoredObject, requireObject } from './get-object.js';
import { rotateInPlace } from './key-rotation.js';
import type { ObjectRecord } from './records.js';
import {
  contentTypeOf,
  headerOf,
  metadataDirective,
  quoted,
  type RequestContext,
  requireBucket,
  sendXml,
  userMetadataOf,
} from './request-context.js';

/** Handles CopyObject. */
export async function copyObject(context: RequestContext): Promise<void> {
  const { store, bucket, key } = context;
  checkClientMetadata(context.request.headers);
  await requireBucket(context);
  const source = parseCopySource(headerOf(context, 'x-amz-copy-source') ?? '');
  for (const name of Object.keys(context.request.headers)) {
    if (name.startsWith('x-amz-copy-source-if-')) throw notImplemented(`CopyObject with ${name}`);
  }
  if (!(await store.bucketExists(source.bucket))) throw noSuchBucket(source.bucket);
  const record = await requireObject(context, source.bucket, source.key);
  const directive = metadataDirective(context);

  if (source.bucket === bucket && source.key === key) {
    const rotated = await rotateInPlace(context, record, directive);
    if (rotated) {
      sendCopyResult(context, rotated.record, rotated.clientETag, rotated.responseHeaders);
      return;
    }
    if (directive === 'COPY' && !hasSseHeaders(context)) {
      throw invalidRequest(
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      );
    }
  }

  const reader = await openStoredObject(context, record, {
    bucket: source.bucket,
    method: 'PUT',
    copySource: true,
  });
  try {
    const upload = await context.sse.prepareUpload({
      bucket,
      object: key,
      headers: context.request.headers,
      bucketEncryption: await store.readBucketEncryption(bucket),
      copyDestination: true,
      secure: context.secure,
    });
    try {
      const read = reader.read();
      const stored =
        read.storedLength === 0
          ? Readable.from([])
          : createReadStream(store.dataPath(source.bucket, record), {
              start: read.storedOffset,
              end: read.storedOffset + read.storedLength - 1,
            });
      const md5 = createHash('md5');
      const digest = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          md5.update(chunk);
          callback(null, chunk);
        },
      });
      const path = store.tempPath();
      try {
        await pipeline([
          stored,
          read.createDecryptStream(),
          digest,
          upload.createEncryptStream(),
          createWriteStream(path),
        ]);
        const { etag, clientETag } = upload.finish(md5.digest());
        const replace = directive === 'REPLACE';
        const written = await store.commitObject(
          bucket,
          {
            key,
            size: upload.storedSize(read.length),
            etag,
            lastModified: new Date().toISOString(),
            contentType: replace ? contentTypeOf(context) : record.contentType,
            userMetadata: replace ? userMetadataOf(context) : record.userMetadata,
            internal: upload.metadata,
          },
          path,
        );
        sendCopyResult(context, written, clientETag, upload.responseHeaders);
      } catch (error) {
        await store.discard(path);
        throw error;
      }
    } finally {
      upload.dispose();
    }
  } finally {
    reader.dispose();
  }
}

function sendCopyResult(
  context: RequestContext,
  record: ObjectRecord,
  clientETag: string,
  headers: Record<string, string>,
): void {
  sendXml(
    context,
    'CopyObjectResult',
    `<LastModified>${record.lastModified}</LastModified><ETag>${escapeXml(quoted(clientETag))}</ETag>`,
    headers,
  );
}

function hasSseHeaders(context: RequestContext): boolean {
  return Object.keys(context.request.headers).some((name) =>
    name.startsWith('x-amz-server-side-encryption'),
  );
}

/**
 * Parses `x-amz-copy-source`: `<bucket>/<key>` with an optional leading `/`, URL-encoded, with an
 * optional `?versionId=`.
 */
export function parseCopySource(header: string): { bucket: string; key: string } {
  const [path = '', query] = header.split('?', 2);
  if (query !== undefined && query !== 'versionId=null') {
    throw notImplemented('CopyObject from a version of an object');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ''));
  } catch {
    throw invalidArgument('x-amz-copy-source is not valid URL encoding');
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  }
  const bucket = decoded.slice(0, slash);
  if (!isValidBucketName(bucket)) {
    throw new ServerError('InvalidBucketName', 400, `The specified bucket is not valid: ${bucket}`);
  }
  return { bucket, key: decoded.slice(slash + 1) };
}
