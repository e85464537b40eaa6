/**
 * `parseEndpointList`: comma-separated endpoints with `{a...b}` ranges. Any text gives trimmed,
 * non-empty entries without commas, or a `KmsConfigurationError`; text without braces splits as
 * written. Ranges stay small here: two large ranges in one entry multiply into millions of
 * strings (see docs/security.md).
 */

import { KmsConfigurationError, parseEndpointList } from '@kmskit/core';
import fc from 'fast-check';
import { ensure, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

const bound = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.constantFrom('00', '07', '0a', 'f', 'A', 'ff', '', 'x', '-1', '1.5'),
);
const piece = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.string({
      unit: fc.constantFrom('a', 'b', '.', ':', '/', '1', '9', ' ', '\t', ',', '{', '}', '-'),
      maxLength: 12,
    }),
  },
  { weight: 2, arbitrary: fc.tuple(bound, bound).map(([from, to]) => `{${from}...${to}}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '...',
      '{...}',
      '{{1...2}}',
      '{1..2}',
      '{1....2}',
      'https://',
      ',',
      ' , ',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);

export const coreEndpointList = defineTarget<string[]>({
  name: 'core-endpoint-list',
  seededRuns: 5000,
  // Any number of ranges: their product is capped by parseEndpointList itself.
  arbitrary: fc.array(piece, { maxLength: 6 }),
  check(pieces) {
    const text = pieces.join('');
    let list: string[];
    const started = performance.now();
    try {
      list = parseEndpointList(text, 'FUZZ_ENDPOINTS');
    } catch (error) {
      if (error instanceof KmsConfigurationError) {
        ensure(error.message.includes('FUZZ_ENDPOINTS'), 'the message does not name the variable');
        return;
      }
      throw new UnexpectedOutcome('parseEndpointList threw an untyped error', { cause: error });
    }
    ensure(performance.now() - started < 2000, 'parseEndpointList took more than 2 s');
    for (const entry of list) {
      ensure(
        entry !== '' && entry === entry.trim(),
        `entry ${JSON.stringify(entry)} is empty or untrimmed`,
      );
      ensure(!entry.includes(','), `entry ${JSON.stringify(entry)} holds a comma`);
    }
    if (!text.includes('{') && !text.includes('...')) {
      const expected = text
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '');
      ensure(
        JSON.stringify(list) === JSON.stringify(expected),
        'a list without ranges split differently',
      );
    }
  },
});
