/**
 * SSE-KMS request headers: the key id and the encryption context.
 *
 * Key id: a leading or trailing space is rejected, the literal prefix `arn:aws:kms:` is removed
 * once (as MinIO does), and what remains must be a valid key name (1 to 80 characters of
 * `0-9 A-Z a-z _ -`, the rule KES and MinKMS apply). A full AWS ARN such as
 * `arn:aws:kms:us-east-1:123:key/my-key` therefore fails with 400 `InvalidRequest` instead of
 * reaching the KMS as `us-east-1:123:key/my-key`. An empty key id selects the KMS default key.
 *
 * Context: standard base64 with padding (RFC 4648 section 4; the URL-safe alphabet and missing
 * padding are rejected) of UTF-8 JSON text that is one object whose values are strings. Duplicate
 * keys, nested values, invalid UTF-8 and unpaired surrogates are rejected, and so is an empty
 * header value: omit the header for no context. Every failure is 400 `InvalidArgument` (MinIO
 * returns 500).
 */

import { isValidName } from '@kmskit/core';
import { s3Error } from '../errors/s3-errors.js';
import { FlatJsonError, parseFlatJsonObject } from '../util/flat-json.js';
import { decodeGoBase64 } from '../util/go-base64.js';
import { type HeaderInput, type HeaderView, headerView } from './header-lookup.js';
import { AWS_KMS, KMS_ARN_PREFIX, SSE_HEADERS } from './header-names.js';

/** A parsed SSE-KMS request. */
export interface SseKmsRequest {
  /** The KMS key name without `arn:aws:kms:`, or `''` for the KMS default key. */
  keyId: string;
  /** The client's encryption context, or `undefined` when the request has none. */
  context: Record<string, string> | undefined;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses the SSE-KMS headers of a request whose `X-Amz-Server-Side-Encryption` must be exactly
 * `aws:kms`.
 *
 * @throws {S3Error} `InvalidEncryptionMethod`, `InvalidEncryptionKeyID` or
 *   `InvalidEncryptionContext`, all 400.
 */
export function parseSseKmsHeaders(headers: HeaderInput | HeaderView): SseKmsRequest {
  const view = headerView(headers);
  const method = view.get(SSE_HEADERS.sse);
  if (method !== AWS_KMS) {
    throw s3Error(
      'InvalidEncryptionMethod',
      `${SSE_HEADERS.sse} is ${describe(method)}: SSE-KMS needs exactly 'aws:kms'`,
    );
  }
  const contextHeader = view.get(SSE_HEADERS.kmsContext);
  const context = contextHeader === undefined ? undefined : parseKmsContextHeader(contextHeader);
  const keyId = parseKmsKeyId(view.get(SSE_HEADERS.kmsKeyId) ?? '', SSE_HEADERS.kmsKeyId);
  return { keyId, context };
}

/**
 * Turns an SSE-KMS key id as a client sends it into a KMS key name: removes `arn:aws:kms:` once
 * and checks the rest. `''` stays `''` (the default key).
 *
 * @param source the header or XML element the id came from, for the error detail.
 * @throws {S3Error} `InvalidEncryptionKeyID` (400 `InvalidRequest`).
 */
export function parseKmsKeyId(value: string, source: string = SSE_HEADERS.kmsKeyId): string {
  if (value.startsWith(' ') || value.endsWith(' ')) {
    throw s3Error(
      'InvalidEncryptionKeyID',
      `${source} ${JSON.stringify(value)} has a leading or trailing space: remove it`,
    );
  }
  const name = value.startsWith(KMS_ARN_PREFIX) ? value.slice(KMS_ARN_PREFIX.length) : value;
  if (name !== '' && !isValidName(name)) {
    throw s3Error(
      'InvalidEncryptionKeyID',
      `${source} ${JSON.stringify(value.slice(0, 200))} names no valid KMS key: pass a key name of 1 to 80 characters of 0-9, A-Z, a-z, '_' and '-', optionally prefixed with 'arn:aws:kms:' (full AWS ARNs with region and account are not supported)`,
    );
  }
  return name;
}

/**
 * Decodes the value of `X-Amz-Server-Side-Encryption-Context`.
 *
 * @throws {S3Error} `InvalidEncryptionContext` (400 `InvalidArgument`) naming what is wrong.
 */
export function parseKmsContextHeader(value: string): Record<string, string> {
  const fail = (problem: string) =>
    s3Error('InvalidEncryptionContext', `${SSE_HEADERS.kmsContext}: ${problem}`);
  if (value === '') throw fail('the value is empty: omit the header to send no context');
  const bytes = decodeGoBase64(value);
  if (!bytes) {
    throw fail('the value is not standard base64 with padding (the URL-safe alphabet is rejected)');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw fail('the decoded bytes are not valid UTF-8');
  }
  try {
    return parseFlatJsonObject(text);
  } catch (error) {
    if (error instanceof FlatJsonError) {
      throw fail(`the decoded text is not a JSON object of strings: ${error.message}`);
    }
    throw error;
  }
}

function describe(value: string | undefined): string {
  return value === undefined ? 'missing' : JSON.stringify(value.slice(0, 100));
}
