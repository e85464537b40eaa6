/**
 * Clients may not set MinIO's internal metadata: a request header named `X-Minio-Internal-*`
 * would otherwise be stored next to, or in place of, the entries that hold an object's sealed key.
 */

import { s3Error } from '../errors/s3-errors.js';
import type { HeaderInput } from './header-lookup.js';

const INTERNAL_PREFIX = 'x-minio-internal-';

/**
 * Rejects request headers (or user metadata) whose names start with `X-Minio-Internal-` in any
 * letter case, as MinIO does.
 *
 * @throws {S3Error} `UnsupportedMetadata` (400 `InvalidArgument`, "Your metadata headers are not
 *   supported.") naming the first such header.
 */
export function checkClientMetadata(headers: HeaderInput): void {
  const names: string[] = [];
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    headers.forEach((_value, name) => {
      names.push(name);
    });
  } else {
    names.push(...Object.keys(headers));
  }
  const internal = names.find((name) => name.toLowerCase().startsWith(INTERNAL_PREFIX));
  if (internal !== undefined) {
    throw s3Error(
      'UnsupportedMetadata',
      `the request header ${JSON.stringify(internal.slice(0, 100))} is reserved for the server: remove it`,
    );
  }
}
