/**
 * `decodeDataKeyText`: MinIO's `DEK` text. Any text decodes to a `DataKey` without plaintext or
 * fails with `kms:InvalidResponse`; what decodes encodes back (`encodeDataKeyText`) to text that
 * decodes to the same fields.
 */

import { decodeDataKeyText, encodeDataKeyText, InvalidResponseError } from '@kmskit/core';
import fc from 'fast-check';
import { anyString } from '../fixtures.js';
import { ensure, sameBytes, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

const field = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 4, arbitrary: valid.map((value) => ({ value })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }).map((value) => ({ value })) },
  );

const base64Text = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.from(b).toString('base64')),
  fc.uint8Array({ maxLength: 20 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.string({ maxLength: 20 }),
  fc.constant(null),
);

const documentText = fc
  .record({
    keyid: field(anyString(16)),
    version: field(fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.constant(2 ** 32))),
    ciphertext: field(base64Text),
    extra: fc.option(fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }))),
  })
  .map(({ keyid, version, ciphertext, extra }) => {
    const parts: string[] = [];
    if (keyid) parts.push(`"keyid":${JSON.stringify(keyid.value)}`);
    if (version) parts.push(`"version":${JSON.stringify(version.value)}`);
    if (ciphertext) parts.push(`"ciphertext":${JSON.stringify(ciphertext.value)}`);
    if (extra) parts.push(`${JSON.stringify(extra[0])}:${JSON.stringify(extra[1])}`);
    return `{${parts.join(',')}}`;
  });

export const coreDataKeyText = defineTarget<string>({
  name: 'core-datakey-text',
  seededRuns: 5000,
  arbitrary: fc.oneof(documentText, fc.json({ maxDepth: 2 }), anyString(60)),
  check(text) {
    let key: ReturnType<typeof decodeDataKeyText>;
    try {
      key = decodeDataKeyText(text);
    } catch (error) {
      if (InvalidResponseError.isInstance(error)) return;
      throw new UnexpectedOutcome('decodeDataKeyText threw an untyped error', { cause: error });
    }
    ensure(key.plaintext === undefined, 'a decoded data key has a plaintext');
    ensure(typeof key.keyId === 'string', 'keyId is not a string');
    ensure(
      Number.isInteger(key.version) && key.version >= 0 && key.version <= 0xffffffff,
      'version out of range',
    );
    const again = decodeDataKeyText(encodeDataKeyText(key));
    ensure(
      again.keyId === key.keyId && again.version === key.version,
      'encode → decode changed the fields',
    );
    ensure(sameBytes(again.ciphertext, key.ciphertext), 'encode → decode changed the ciphertext');
  },
});
