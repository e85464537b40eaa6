/**
 * SSE-C request headers (and their copy-source forms): the algorithm, the 32-byte customer key and
 * the key's MD5. Checks run in MinIO's order and the first failure wins.
 */

import { createHash } from 'node:crypto';
import { equalBytes } from '@kmskit/core';
import { s3Error } from '../errors/s3-errors.js';
import { decodeGoBase64, encodeBase64 } from '../util/go-base64.js';
import { type HeaderInput, type HeaderView, headerView } from './header-lookup.js';
import { AES256, SSE_HEADERS } from './header-names.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const KEY_LENGTH = 32;

/**
 * A customer-provided key (SSE-C). The key bytes stay out of `JSON.stringify`, `util.inspect` and
 * `toString`; call `zero()` when done with it.
 */
export class CustomerKey {
  /** Base64 of the MD5 of the key bytes, as echoed in `…-Customer-Key-Md5` responses. */
  readonly md5: string;
  #key: Uint8Array;

  constructor(key: Uint8Array) {
    if (!(key instanceof Uint8Array) || key.length !== KEY_LENGTH) {
      throw new RangeError(`CustomerKey: the key must be ${KEY_LENGTH} bytes`);
    }
    this.#key = new Uint8Array(key);
    this.md5 = encodeBase64(createHash('md5').update(this.#key).digest());
  }

  /** The 32 key bytes. Treat them as a secret. */
  get bytes(): Uint8Array {
    return this.#key;
  }

  /** Reports whether both keys have the same bytes, in constant time. */
  equals(other: CustomerKey): boolean {
    return equalBytes(this.#key, other.#key);
  }

  /** Overwrites the key bytes with zeros. */
  zero(): void {
    this.#key.fill(0);
  }

  toJSON(): { md5: string } {
    return { md5: this.md5 };
  }

  toString(): string {
    return `CustomerKey(md5=${this.md5})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * Parses the SSE-C headers of a request.
 *
 * @throws {S3Error} `InvalidCustomerAlgorithm`, `MissingCustomerKey`, `MissingCustomerKeyMD5`,
 *   `CustomerKeyMD5Mismatch` (400) or `InvalidCustomerKey` (403 `AccessDenied`).
 */
export function parseSseCHeaders(headers: HeaderInput | HeaderView): CustomerKey {
  return parseCustomerKey(
    headerView(headers),
    SSE_HEADERS.customerAlgorithm,
    SSE_HEADERS.customerKey,
    SSE_HEADERS.customerKeyMd5,
  );
}

/** Parses the copy-source SSE-C headers (`X-Amz-Copy-Source-Server-Side-Encryption-Customer-*`). */
export function parseSseCCopyHeaders(headers: HeaderInput | HeaderView): CustomerKey {
  return parseCustomerKey(
    headerView(headers),
    SSE_HEADERS.copyCustomerAlgorithm,
    SSE_HEADERS.copyCustomerKey,
    SSE_HEADERS.copyCustomerKeyMd5,
  );
}

function parseCustomerKey(
  view: HeaderView,
  algorithmHeader: string,
  keyHeader: string,
  md5Header: string,
): CustomerKey {
  const algorithm = view.get(algorithmHeader);
  if (algorithm !== AES256) {
    const quotedValue =
      algorithm === undefined ? 'missing' : JSON.stringify(algorithm.slice(0, 100));
    throw s3Error(
      'InvalidCustomerAlgorithm',
      `${algorithmHeader} is ${quotedValue}: send 'AES256'`,
    );
  }

  const encodedKey = view.get(keyHeader) ?? '';
  if (encodedKey === '') {
    throw s3Error('MissingCustomerKey', `${keyHeader} is missing or empty`);
  }
  const md5 = view.get(md5Header) ?? '';
  if (md5 === '') {
    throw s3Error('MissingCustomerKeyMD5', `${md5Header} is missing or empty`);
  }

  const key = decodeGoBase64(encodedKey);
  if (!key || key.length !== KEY_LENGTH) {
    key?.fill(0);
    throw s3Error(
      'InvalidCustomerKey',
      `${keyHeader} is not padded standard base64 of ${KEY_LENGTH} bytes`,
    );
  }
  const customerKey = new CustomerKey(key);
  key.fill(0);

  const sentMd5 = decodeGoBase64(md5);
  const actualMd5 = createHash('md5').update(customerKey.bytes).digest();
  if (!sentMd5 || !equalBytes(sentMd5, actualMd5)) {
    customerKey.zero();
    throw s3Error(
      'CustomerKeyMD5Mismatch',
      `${md5Header} must be base64 of the MD5 of the 32 raw key bytes (not of the base64 text)`,
    );
  }
  return customerKey;
}
