/**
 * The KMS context of SSE-S3 and SSE-KMS data keys: `{<bucket>: path.Join(bucket, object)}` (the
 * entry's key is the bucket's name), merged into the client's SSE-KMS context. When the client's
 * context already has a key equal to the bucket name, the client's value is used unchanged, both
 * when writing and when reading.
 */

import { objectPath } from './object-key.js';

/**
 * Returns the context sent to the KMS for `bucket`/`object`: a copy of `clientContext` plus the
 * bucket entry unless the client set one.
 *
 * @example objectKmsContext('photos', '2024/a.jpg') // { photos: 'photos/2024/a.jpg' }
 */
export function objectKmsContext(
  bucket: string,
  object: string,
  clientContext?: Readonly<Record<string, string>>,
): Record<string, string> {
  const context: Record<string, string> = Object.create(null);
  if (clientContext) {
    for (const [key, value] of Object.entries(clientContext)) context[key] = value;
  }
  if (!Object.hasOwn(context, bucket)) context[bucket] = objectPath(bucket, object);
  return context;
}
