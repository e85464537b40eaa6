/**
 * Key rotation in place: CopyObject onto the same object that only changes its keys. The adapter
 * reseals the object key and returns the new metadata; the data file and the stored ETag stay.
 */

import {
  isSseCCopyRequested,
  isSseCRequested,
  isSseKmsRequested,
  isSseS3Requested,
  parseSseRequest,
  type RotatedMetadata,
  sseTypeOf,
} from '@kmskit/s3-sse-adapter';
import type { ObjectRecord } from './records.js';
import { contentTypeOf, type RequestContext, userMetadataOf } from './request-context.js';

/** The outcome of a rotation: the stored record and what the response needs. */
export interface InPlaceRotation {
  record: ObjectRecord;
  clientETag: string;
  responseHeaders: Record<string, string>;
}

/**
 * Rotates the keys of an object copied onto itself when the copy requests only that, and returns
 * `undefined` when the copy needs the data re-encrypted.
 */
export async function rotateInPlace(
  context: RequestContext,
  record: ObjectRecord,
  directive: 'COPY' | 'REPLACE',
): Promise<InPlaceRotation | undefined> {
  const headers = context.request.headers;
  const type = sseTypeOf(record.internal);
  const ssec = isSseCRequested(headers);
  let rotated: RotatedMetadata;

  if (type === 'SSE-C' && ssec && isSseCCopyRequested(headers)) {
    rotated = context.sse.rotateCustomerKey({
      bucket: context.bucket,
      object: record.key,
      metadata: record.internal,
      headers,
      etag: record.etag,
    });
  } else if (
    (type === 'SSE-S3' || type === 'SSE-KMS') &&
    !ssec &&
    (isSseS3Requested(headers) || isSseKmsRequested(headers))
  ) {
    const requested = parseSseRequest(headers, { copyDestination: true, secure: context.secure });
    if (requested?.type === 'SSE-S3' && type === 'SSE-KMS') return undefined;
    rotated = await context.sse.rotateKmsKey({
      bucket: context.bucket,
      object: record.key,
      metadata: record.internal,
      etag: record.etag,
      target:
        requested?.type === 'SSE-KMS'
          ? { type: 'SSE-KMS', keyId: requested.keyId, context: requested.context ?? {} }
          : { type: 'SSE-S3' },
    });
  } else {
    return undefined;
  }

  const replace = directive === 'REPLACE';
  const updated: ObjectRecord = {
    ...record,
    internal: rotated.metadata,
    lastModified: new Date().toISOString(),
    contentType: replace ? contentTypeOf(context) : record.contentType,
    userMetadata: replace ? userMetadataOf(context) : record.userMetadata,
  };
  if (rotated.changed || replace) await context.store.writeObjectRecord(context.bucket, updated);

  return {
    record: updated,
    clientETag: rotated.clientETag ?? record.etag,
    responseHeaders: rotated.responseHeaders,
  };
}
