/**
 * The S3 adapter's smaller parsers: `parseBucketEncryption` (PutBucketEncryption XML) and
 * `parseRangeHeader`. The outcome is a value or an `S3Error` (`InvalidRangeError` for ranges); a
 * parsed configuration serializes back to XML that parses to the same configuration.
 */

import {
  InvalidRangeError,
  parseBucketEncryption,
  parseRangeHeader,
  resolveRange,
  serializeBucketEncryption,
} from '@kmskit/s3-sse-adapter';
import fc from 'fast-check';
import { ensure, expectTyped, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const element = (name: string, inner: string) => `<${name}>${inner}</${name}>`;
const algorithm = fc.constantFrom('AES256', 'aws:kms', 'aws:kms:dsse', '', 'aes256');
const keyId = fc.oneof(
  fc.constantFrom('my-key', 'arn:aws:kms:my-key', '', 'a b', 'x'.repeat(200)),
  fc.string({ maxLength: 12 }),
);
const rule = fc
  .record({
    algorithm,
    keyId: fc.option(keyId),
    extra: fc.option(
      fc.constantFrom('<BucketKeyEnabled>true</BucketKeyEnabled>', '<X/>', '<!-- c -->'),
    ),
  })
  .map(({ algorithm: a, keyId: k, extra }) =>
    element(
      'Rule',
      element(
        'ApplyServerSideEncryptionByDefault',
        element('SSEAlgorithm', a) + (k === null ? '' : element('KMSMasterKeyID', k)),
      ) + (extra ?? ''),
    ),
  );
const xml = fc.oneof(
  fc
    .record({ rules: fc.array(rule, { maxLength: 2 }), ns: fc.boolean(), prolog: fc.boolean() })
    .map(
      ({ rules, ns, prolog }) =>
        `${prolog ? '<?xml version="1.0" encoding="UTF-8"?>' : ''}<ServerSideEncryptionConfiguration${ns ? ` xmlns="${NS}"` : ''}>${rules.join('')}</ServerSideEncryptionConfiguration>`,
    ),
  fc.constantFrom(
    '',
    '<',
    '<a>',
    '<ServerSideEncryptionConfiguration>',
    '<!DOCTYPE x [<!ENTITY e "x">]><a>&e;</a>',
    '<a><![CDATA[x]]></a>',
  ),
  fc.string({
    unit: fc.constantFrom('<', '>', '/', 'a', 'R', ' ', '"', '=', '&', ';', '!', '?'),
    maxLength: 40,
  }),
);
const range = fc.oneof(
  fc
    .tuple(
      fc.option(fc.oneof(fc.nat(), fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String))),
      fc.option(fc.nat()),
    )
    .map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
  fc.constantFrom(
    'bytes=',
    'bytes=-',
    'bytes=0-0,1-1',
    'items=0-1',
    'bytes= 0-1',
    'bytes=+1-2',
    'bytes=-0',
    'bytes=1-0',
    'bytes=00-01',
  ),
  fc.string({ maxLength: 16 }),
);

export const s3SmallParsers = defineTarget({
  name: 's3-small-parsers',
  seededRuns: 5000,
  arbitrary: fc.record({ xml, range, size: fc.oneof(fc.nat(1000), fc.nat()) }),
  check(input) {
    try {
      const config = parseBucketEncryption(input.xml);
      const again = parseBucketEncryption(serializeBucketEncryption(config));
      ensure(
        JSON.stringify(again) === JSON.stringify(config),
        'serialize → parse changed the configuration',
      );
    } catch (error) {
      if (error instanceof UnexpectedOutcome) throw error;
      expectTyped(error, ['s3']);
    }
    let parsed: ReturnType<typeof parseRangeHeader>;
    try {
      parsed = parseRangeHeader(input.range);
    } catch (error) {
      if (InvalidRangeError.isInstance(error)) return;
      throw new UnexpectedOutcome('parseRangeHeader threw an untyped error', { cause: error });
    }
    try {
      const resolved = resolveRange(parsed, input.size);
      ensure(
        resolved.offset >= 0 && resolved.offset + resolved.length <= input.size,
        'a resolved range leaves the object',
      );
    } catch (error) {
      if (error instanceof UnexpectedOutcome) throw error;
      if (!InvalidRangeError.isInstance(error))
        throw new UnexpectedOutcome('resolveRange threw an untyped error', { cause: error });
    }
  },
});
