/**
 * SSE request headers: `parseSseRequest` and the SSE-C, SSE-KMS and context parsers on header sets
 * of valid, damaged and random values in any letter case. The outcome is a request or an
 * `S3Error`; an SSE-C result carries exactly the key sent; no message shows an SSE-C key.
 */

import { createHash } from 'node:crypto';
import {
  parseKmsContextHeader,
  parseSseCCopyHeaders,
  parseSseCHeaders,
  parseSseKmsHeaders,
  parseSseRequest,
  requestedSseType,
  type S3Error,
  SSE_HEADERS,
} from '@kmskit/s3-sse-adapter';
import fc from 'fast-check';
import { fixedKey } from '../fixtures.js';
import { ensure, expectTyped, sameBytes } from '../outcome.js';
import { defineTarget } from '../target.js';

const CUSTOMER_KEY = fixedKey('sse-c customer key');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');
const contextValue = (text: string) => Buffer.from(text).toString('base64');

const VALUES: Record<string, fc.Arbitrary<string>> = {
  [SSE_HEADERS.sse]: fc.constantFrom('AES256', 'aws:kms', 'aes256', 'aws:kms:dsse', '', 'AES-256'),
  [SSE_HEADERS.kmsKeyId]: fc.constantFrom(
    'my-key',
    'arn:aws:kms:my-key',
    'arn:aws:kms:',
    '',
    'a/b',
    ' my-key',
    'x'.repeat(90),
  ),
  [SSE_HEADERS.kmsContext]: fc.oneof(
    fc
      .constantFrom(
        '{"a":"b"}',
        '{}',
        '{"a":1}',
        '[]',
        '{"a":"b","a":"c"}',
        '{"\\ud800":"x"}',
        'not json',
      )
      .map(contextValue),
    fc.json({ maxDepth: 1 }).map(contextValue),
    fc.constantFrom('', 'e30', 'e30=='),
  ),
  [SSE_HEADERS.customerAlgorithm]: fc.constantFrom('AES256', 'aes256', '', 'AES128'),
  [SSE_HEADERS.customerKey]: fc.constantFrom(
    b64(CUSTOMER_KEY),
    b64(CUSTOMER_KEY.subarray(1)),
    Buffer.from(CUSTOMER_KEY).toString('base64url'),
    '',
    '!!!!',
  ),
  [SSE_HEADERS.customerKeyMd5]: fc.constantFrom(
    md5(CUSTOMER_KEY),
    md5(new Uint8Array(32)),
    '',
    'AAAA',
  ),
  [SSE_HEADERS.copyCustomerAlgorithm]: fc.constantFrom('AES256', ''),
  [SSE_HEADERS.copyCustomerKey]: fc.constantFrom(b64(CUSTOMER_KEY), ''),
  [SSE_HEADERS.copyCustomerKeyMd5]: fc.constantFrom(md5(CUSTOMER_KEY), ''),
  'X-Amz-Copy-Source': fc.constantFrom('/bucket/object', ''),
};

const header = fc
  .tuple(fc.constantFrom(...Object.keys(VALUES)), fc.constantFrom('same', 'lower', 'upper'))
  .chain(([name, spelling]) =>
    fc
      .oneof(
        { weight: 4, arbitrary: VALUES[name]! },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
      )
      .chain((value) =>
        fc.oneof(fc.constant<string | string[]>(value), fc.constant([value, 'second'])),
      )
      .map((value) => [spell(name, spelling), value] as [string, string | string[]]),
  );

function spell(name: string, how: string): string {
  return how === 'lower' ? name.toLowerCase() : how === 'upper' ? name.toUpperCase() : name;
}

export const sseHeaders = defineTarget({
  name: 'sse-headers',
  seededRuns: 5000,
  arbitrary: fc.record({
    headers: fc.uniqueArray(header, { maxLength: 7, selector: ([name]) => name.toLowerCase() }),
    copyDestination: fc.boolean(),
    secure: fc.option(fc.boolean()),
    context: fc.oneof(fc.string({ maxLength: 30 }), fc.json({ maxDepth: 1 }).map(contextValue)),
  }),
  check(input) {
    const headers = Object.fromEntries(input.headers);
    const messages: string[] = [];
    const run = (call: () => unknown) => {
      try {
        return call();
      } catch (error) {
        expectTyped(error, ['s3']);
        messages.push((error as S3Error).message, (error as S3Error).detail ?? '');
        return undefined;
      }
    };
    const options = {
      copyDestination: input.copyDestination,
      ...(input.secure === null ? {} : { secure: input.secure }),
    };
    const request = run(() => parseSseRequest(headers, options)) as ReturnType<
      typeof parseSseRequest
    >;
    if (request?.type === 'SSE-C') {
      ensure(sameBytes(request.key.bytes, CUSTOMER_KEY), 'the SSE-C key differs from the key sent');
      ensure(request.key.md5 === md5(CUSTOMER_KEY), 'the SSE-C key MD5 is wrong');
    }
    run(() => requestedSseType(headers));
    run(() => parseSseCHeaders(headers));
    run(() => parseSseCCopyHeaders(headers));
    run(() => parseSseKmsHeaders(headers));
    run(() => parseKmsContextHeader(input.context));
    for (const message of messages) {
      ensure(!message.includes(b64(CUSTOMER_KEY)), 'an S3 error message shows the SSE-C key');
    }
  },
});
