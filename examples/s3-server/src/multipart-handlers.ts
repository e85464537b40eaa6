/**
 * CreateMultipartUpload, UploadPart and AbortMultipartUpload. The adapter seals the object key
 * once, when the upload starts, into the upload's metadata. Each part request opens the upload
 * (one KMS call, or the SSE-C key from the part's headers) and encrypts the part under its own
 * part key. Each part streams to its own file, so memory use stays bounded by stream buffers.
 */

import { checkClientMetadata, escapeXml } from '@kmskit/s3-sse-adapter';
import { invalidArgument, noSuchUpload, notImplemented } from './errors.js';
import { checksumHeaders, receiveBody } from './put-object.js';
import type { UploadRecord } from './records.js';
import {
  contentTypeOf,
  headerOf,
  queryValue,
  quoted,
  type RequestContext,
  requireBucket,
  send,
  sendXml,
  userMetadataOf,
} from './request-context.js';

/** Handles CreateMultipartUpload. */
export async function createMultipartUpload(context: RequestContext): Promise<void> {
  const { store, bucket, key } = context;
  checkClientMetadata(context.request.headers);
  await requireBucket(context);
  const init = await context.sse.createMultipartUpload({
    bucket,
    object: key,
    headers: context.request.headers,
    bucketEncryption: await store.readBucketEncryption(bucket),
    secure: context.secure,
  });
  const uploadId = await store.createUpload(bucket, {
    key,
    initiated: new Date().toISOString(),
    contentType: contentTypeOf(context),
    userMetadata: userMetadataOf(context),
    internal: init.metadata,
  });
  sendXml(
    context,
    'InitiateMultipartUploadResult',
    `<Bucket>${escapeXml(bucket)}</Bucket><Key>${escapeXml(key)}</Key><UploadId>${uploadId}</UploadId>`,
    init.responseHeaders,
  );
}

/** Handles UploadPart. */
export async function uploadPart(context: RequestContext): Promise<void> {
  const { store, bucket, key } = context;
  if (headerOf(context, 'x-amz-copy-source') !== undefined) throw notImplemented('UploadPartCopy');
  const partNumber = parsePartNumber(queryValue(context, 'partNumber'));
  const upload = await requireUpload(context);
  const uploadId = upload.uploadId;

  const multipart = await context.sse.openMultipartUpload({
    bucket,
    object: key,
    uploadMetadata: upload.internal,
    headers: context.request.headers,
    secure: context.secure,
  });
  try {
    const part = multipart.preparePart(partNumber);
    try {
      const received = await receiveBody(context, part.createEncryptStream());
      const { etag, clientETag } = part.finish(received.summary.md5);
      try {
        await store.commitPart(
          bucket,
          uploadId,
          {
            number: partNumber,
            size: part.storedSize(received.summary.size),
            etag,
            clientETag,
            plaintextSize: received.summary.size,
          },
          received.path,
        );
      } catch (error) {
        await store.discard(received.path);
        throw error;
      }
      send(context, 200, {
        etag: quoted(clientETag),
        ...part.responseHeaders,
        ...checksumHeaders(received.summary),
      });
    } finally {
      part.dispose();
    }
  } finally {
    multipart.dispose();
  }
}

/** Handles AbortMultipartUpload. */
export async function abortMultipartUpload(context: RequestContext): Promise<void> {
  const upload = await requireUpload(context);
  await context.store.removeUpload(context.bucket, upload.uploadId);
  send(context, 204, {});
}

/** Reads the upload named by the `uploadId` query parameter, or throws `NoSuchUpload`. */
export async function requireUpload(context: RequestContext): Promise<UploadRecord> {
  await requireBucket(context);
  const uploadId = queryValue(context, 'uploadId') ?? '';
  const upload = await context.store.readUpload(context.bucket, context.key, uploadId);
  if (!upload) throw noSuchUpload(uploadId);
  return upload;
}

function parsePartNumber(text: string | undefined): number {
  const value = text !== undefined && /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= 1 && value <= 10_000)) {
    throw invalidArgument(
      `Part number must be an integer between 1 and 10000, inclusive (got ${JSON.stringify(text)}).`,
    );
  }
  return value;
}
