/**
 * Bucket operations: CreateBucket and HeadBucket (minimal), and bucket default encryption
 * (Put/Get/DeleteBucketEncryption). The adapter parses and validates the configuration and checks
 * that a named KMS key exists. The server stores the compact XML the adapter renders and passes it
 * back to the adapter on every write to the bucket.
 */

import { parseBucketEncryption, serializeBucketEncryption } from '@kmskit/s3-sse-adapter';
import { ServerError } from './errors.js';
import { readSmallBody } from './request-body.js';
import { type RequestContext, requireBucket, send } from './request-context.js';

/** Handles CreateBucket. A configuration body, if any, is read and ignored. */
export async function createBucket(context: RequestContext): Promise<void> {
  await readSmallBody(context.request, context.payloadHash);
  if (!(await context.store.createBucket(context.bucket))) {
    throw new ServerError(
      'BucketAlreadyOwnedByYou',
      409,
      'Your previous request to create the named bucket succeeded and you already own it.',
    );
  }
  send(context, 200, { location: `/${context.bucket}` });
}

/** Handles HeadBucket. */
export async function headBucket(context: RequestContext): Promise<void> {
  await requireBucket(context);
  send(context, 200, { 'x-amz-bucket-region': context.region });
}

/**
 * Handles PutBucketEncryption: 400 `MalformedXML` for an invalid document, 501 without a KMS,
 * 400 `KMS.NotFoundException` for a key the KMS does not have.
 */
export async function putBucketEncryption(context: RequestContext): Promise<void> {
  await requireBucket(context);
  const config = parseBucketEncryption(await readSmallBody(context.request, context.payloadHash));
  await context.sse.checkBucketEncryption(config);
  await context.store.writeBucketEncryption(context.bucket, serializeBucketEncryption(config));
  send(context, 200, {});
}

/** Handles GetBucketEncryption. */
export async function getBucketEncryption(context: RequestContext): Promise<void> {
  await requireBucket(context);
  const xml = await context.store.readBucketEncryption(context.bucket);
  if (xml === undefined) {
    throw new ServerError(
      'ServerSideEncryptionConfigurationNotFoundError',
      404,
      'The server side encryption configuration was not found',
    );
  }
  send(context, 200, {}, xml);
}

/** Handles DeleteBucketEncryption. */
export async function deleteBucketEncryption(context: RequestContext): Promise<void> {
  await requireBucket(context);
  await context.store.writeBucketEncryption(context.bucket, undefined);
  send(context, 204, {});
}
