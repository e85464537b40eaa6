/**
 * `encodeContext`, `decodeContext` and `encodeContextEntries`. Encoding a context of well-formed
 * strings gives Go's canonical JSON and decodes back to the same pairs; a lone surrogate or a
 * value that is not a string gives `kms:InvalidContext`; any bytes decode to an object of strings
 * or fail with `kms:InvalidContext`; raw byte entries always encode to valid UTF-8 JSON.
 */

import {
  decodeContext,
  encodeContext,
  encodeContextEntries,
  InvalidContextError,
} from '@kmskit/core';
import fc from 'fast-check';
import { contextArbitrary } from '../fixtures.js';
import { attempt, ensure } from '../outcome.js';
import { defineTarget } from '../target.js';

const utf8 = new TextEncoder();
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

type Input =
  | { kind: 'encode'; context: Record<string, string> | Map<string, string> }
  | { kind: 'encode-other'; context: unknown }
  | { kind: 'decode'; bytes: Uint8Array }
  | { kind: 'entries'; entries: Array<[Uint8Array, Uint8Array]> };

const jsonBytes = fc
  .oneof(
    fc.json({ maxDepth: 2 }),
    fc
      .dictionary(
        fc.string({ unit: 'binary', maxLength: 6 }),
        fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.constant(null)),
      )
      .map((o) => JSON.stringify(o)),
  )
  .map((text) => utf8.encode(text));

export const coreContext = defineTarget<Input>({
  name: 'core-context',
  seededRuns: 5000,
  arbitrary: fc.oneof(
    fc.record({ kind: fc.constant('encode' as const), context: contextArbitrary }),
    fc.record({
      kind: fc.constant('encode-other' as const),
      context: fc.oneof(
        fc.dictionary(
          fc.string({ maxLength: 4 }),
          fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.string()),
        ),
        fc.string(),
        fc.integer(),
        fc.array(fc.string(), { maxLength: 3 }),
      ),
    }),
    fc.record({
      kind: fc.constant('decode' as const),
      bytes: fc.oneof(fc.uint8Array({ maxLength: 64 }), jsonBytes),
    }),
    fc.record({
      kind: fc.constant('entries' as const),
      entries: fc.array(
        fc.tuple(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 })),
        { maxLength: 5 },
      ),
    }),
  ),
  check(input) {
    if (input.kind === 'encode') return checkEncode(input.context);
    if (input.kind === 'encode-other') {
      const bytes = attempt(() => encodeContext(input.context as Record<string, string>), ['kms']);
      if (bytes)
        ensure(strictUtf8.decode(bytes).startsWith('{'), 'encodeContext returned no object');
      return;
    }
    if (input.kind === 'decode') {
      const decoded = attempt(() => decodeContext(input.bytes), ['kms']);
      if (decoded === undefined) return;
      ensure(
        Object.values(decoded).every((v) => typeof v === 'string'),
        'decodeContext returned a non-string value',
      );
      // What decodes must encode and decode to the same pairs.
      const again = decodeContext(encodeContext(decoded));
      ensure(sameRecord(again, decoded), 'decode → encode → decode changed the context');
      return;
    }
    const bytes = encodeContextEntries(input.entries);
    const text = strictUtf8.decode(bytes);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    ensure(
      Object.values(parsed).every((v) => typeof v === 'string'),
      'entries encoded a non-string',
    );
    decodeContext(bytes);
  },
});

function checkEncode(context: Record<string, string> | Map<string, string>): void {
  const pairs = context instanceof Map ? [...context] : Object.entries(context);
  const wellFormed = pairs.every(([k, v]) => !LONE_SURROGATE.test(k) && !LONE_SURROGATE.test(v));
  let bytes: Uint8Array;
  try {
    bytes = encodeContext(context);
  } catch (error) {
    ensure(InvalidContextError.isInstance(error), `encodeContext threw ${String(error)}`);
    ensure(!wellFormed, 'encodeContext rejected well-formed strings');
    return;
  }
  ensure(wellFormed, 'encodeContext accepted a lone surrogate');
  ensure(
    strictUtf8.decode(bytes) === reference(pairs),
    'encodeContext differs from the Go reference',
  );
  const decoded = decodeContext(bytes);
  const expected = new Map(pairs);
  ensure(Object.keys(decoded).length === expected.size, 'decodeContext lost or added keys');
  for (const [key, value] of expected) {
    ensure(
      Object.hasOwn(decoded, key) && decoded[key] === value,
      `decodeContext lost key ${JSON.stringify(key)}`,
    );
  }
}

/** Go's encoding: keys sorted by UTF-8 bytes, strings escaped with HTML escaping and `\u00XX`. */
function reference(pairs: Array<[string, string]>): string {
  const unique = new Map(pairs);
  const sorted = [...unique].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${sorted.map(([k, v]) => `${goString(k)}:${goString(v)}`).join(',')}}`;
}

function goString(text: string): string {
  // Escape pairs are consumed whole, so the `\\b` of an escaped backslash is left alone.
  return JSON.stringify(text).replace(/\\(?:u[0-9a-f]{4}|.)|[<>&\u2028\u2029]/g, (match) => {
    if (match === '\\b') return '\\u0008';
    if (match === '\\f') return '\\u000c';
    if (match.startsWith('\\')) return match;
    return `\\u${match.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
  );
}
