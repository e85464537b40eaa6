/**
 * Stored object metadata: `openObject` of the SSE adapter (with the builtin KMS) on the metadata of
 * SSE-C, SSE-S3 and SSE-KMS objects that were sealed here with fixed keys, then edited: entries
 * removed, renamed in another case or given other values, and with SSE-C headers and sizes that
 * may not fit. Intact metadata with fitting headers must open; anything else may only fail with an
 * `S3Error`. The metadata parsers and detectors run on the same input.
 */

import { createHash } from 'node:crypto';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { createKMS, encodeContext } from '@kmskit/core';
import {
  createSseAdapter,
  createSseCMetadata,
  createSseKmsMetadata,
  createSseS3Metadata,
  encryptedSize,
  isEncrypted,
  META,
  objectKmsContext,
  parseSseCMetadata,
  parseSseKmsMetadata,
  parseSseS3Metadata,
  SSE_HEADERS,
  sealObjectKey,
  sseTypeOf,
} from '@kmskit/s3-sse-adapter';
import fc from 'fast-check';
import { BUILTIN_KEY, BUILTIN_KEY_NAME, fixedKey, objectOf, sealBuiltin } from '../fixtures.js';
import { attempt, ensure, expectTyped, withinTime } from '../outcome.js';
import { defineTarget } from '../target.js';

const BUCKET = 'bucket';
const OBJECT = 'dir/object';
const CUSTOMER_KEY = fixedKey('sse-c customer key');
const OBJECT_KEY = fixedKey('object key');
const DATA_KEY = fixedKey('kms data key');
const SEAL = { iv: fixedKey('seal iv'), nonce: fixedKey('seal nonce').subarray(0, 12) };

const kms = createKMS({
  connector: createBuiltinConnector({ keyName: BUILTIN_KEY_NAME, key: BUILTIN_KEY }),
  timeoutMs: 0,
});
const adapter = createSseAdapter({ kms });

function kmsDataKey(context: Record<string, string>): Uint8Array {
  return sealBuiltin(
    BUILTIN_KEY,
    DATA_KEY,
    encodeContext(context),
    fixedKey('dk iv').subarray(0, 16),
    fixedKey('dk nonce').subarray(0, 12),
  );
}

const BASES: Record<string, Record<string, string>> = {
  'SSE-C': createSseCMetadata(
    sealObjectKey(OBJECT_KEY, CUSTOMER_KEY, 'SSE-C', BUCKET, OBJECT, SEAL),
  ),
  'SSE-S3': createSseS3Metadata({
    keyId: BUILTIN_KEY_NAME,
    kmsDataKey: kmsDataKey(objectKmsContext(BUCKET, OBJECT)),
    sealedKey: sealObjectKey(OBJECT_KEY, DATA_KEY, 'SSE-S3', BUCKET, OBJECT, SEAL),
  }),
  'SSE-KMS': createSseKmsMetadata({
    keyId: BUILTIN_KEY_NAME,
    kmsDataKey: kmsDataKey(objectKmsContext(BUCKET, OBJECT, { team: 'a' })),
    sealedKey: sealObjectKey(OBJECT_KEY, DATA_KEY, 'SSE-KMS', BUCKET, OBJECT, SEAL),
    context: { team: 'a' },
  }),
  none: {},
};

const entryName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...Object.values(META)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);
const b64 = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString('base64'));
const entryValue = fc.oneof(
  b64(32, 32),
  b64(64, 64),
  b64(0, 100),
  fc.constantFrom(
    '',
    'DAREv2-HMAC-SHA256',
    'DARE-SHA256',
    'other',
    BUILTIN_KEY_NAME,
    'missing-key',
    '12',
    '-1',
    'e30=',
    'eyJhIjoxfQ==',
  ),
  fc.string({ maxLength: 16 }),
);
const edit = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), name: entryName }),
  fc.record({ op: fc.constant('set' as const), name: entryName, value: entryValue }),
  fc.record({ op: fc.constant('lowercase' as const), name: entryName }),
);

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('base64');
const sseCHeaders = fc.constantFrom('right', 'wrong', 'none', 'kms');

export const objectMetadata = defineTarget({
  name: 'object-metadata',
  seededRuns: 3000,
  arbitrary: fc.record({
    base: fc.constantFrom('SSE-C', 'SSE-S3', 'SSE-KMS', 'none'),
    edits: fc.oneof(
      { weight: 1, arbitrary: fc.constant([]) },
      { weight: 3, arbitrary: fc.array(edit, { minLength: 1, maxLength: 4 }) },
    ),
    headers: sseCHeaders,
    method: fc.constantFrom('GET', 'HEAD'),
    size: fc.oneof(
      { weight: 3, arbitrary: fc.nat(200_000).map((n) => ({ plaintext: n })) },
      { weight: 1, arbitrary: fc.nat().map((n) => ({ stored: n })) },
    ),
  }),
  async check(input) {
    const entries = Object.entries(BASES[input.base]!);
    for (const change of input.edits) {
      const at = entries.findIndex(([name]) => name === change.name);
      if (change.op === 'delete' && at >= 0) entries.splice(at, 1);
      if (change.op === 'set' && at >= 0) entries[at]![1] = change.value;
      if (change.op === 'set' && at < 0) entries.push([change.name, change.value]);
      if (change.op === 'lowercase' && at >= 0) entries[at]![0] = change.name.toLowerCase();
    }
    const metadata = objectOf(entries);
    const headers: Record<string, string> = {};
    if (input.headers === 'right' || input.headers === 'wrong') {
      const key = input.headers === 'right' ? CUSTOMER_KEY : fixedKey('another key');
      headers[SSE_HEADERS.customerAlgorithm] = 'AES256';
      headers[SSE_HEADERS.customerKey] = Buffer.from(key).toString('base64');
      headers[SSE_HEADERS.customerKeyMd5] = md5(key);
    } else if (input.headers === 'kms') {
      headers[SSE_HEADERS.sse] = 'aws:kms';
    }
    const size =
      'plaintext' in input.size ? encryptedSize(input.size.plaintext) : input.size.stored;

    attempt(() => sseTypeOf(metadata), []);
    attempt(() => isEncrypted(metadata), []);
    for (const parse of [parseSseCMetadata, parseSseS3Metadata, parseSseKmsMetadata])
      attempt(() => parse(metadata), ['s3']);

    const intact = input.edits.length === 0 && 'plaintext' in input.size && input.method === 'GET';
    const fitting = input.base === 'SSE-C' ? input.headers === 'right' : input.headers === 'none';
    let reader: Awaited<ReturnType<typeof adapter.openObject>> | undefined;
    let failure = '';
    try {
      reader = await withinTime(
        adapter.openObject({
          bucket: BUCKET,
          object: OBJECT,
          metadata,
          headers,
          method: input.method,
          size,
        }),
        4000,
        'openObject',
      );
    } catch (error) {
      expectTyped(error, ['s3']);
      failure = (error as Error).message;
    }
    if (reader) {
      ensure(
        !(intact && !fitting && input.base === 'SSE-C'),
        'SSE-C metadata opened without the right key',
      );
      attempt(() => reader.read(undefined), ['s3']);
    } else {
      ensure(!(intact && fitting), `intact metadata failed to open: ${failure}`);
    }
  },
});
