/**
 * KES (`kes:v1:…`) and MinKMS (`k1:…`, `k2:…`) API keys. Any text parses to a key or fails with a
 * `TypeError`; a well-formed key always parses; the key text never shows in the message,
 * `JSON.stringify`, `String` or `util.inspect` of the result.
 */

import { inspect } from 'node:util';
import { kesIdentity, parseKesApiKey } from '@kmskit/conn-kes';
import { minkmsIdentity, parseMinkmsApiKey } from '@kmskit/conn-minkms';
import fc from 'fast-check';
import { ensure, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

interface KeyInput {
  prefix: string;
  bytes: Uint8Array;
  encoding: 'base64' | 'base64url' | 'unpadded';
  edit: { index: number; char: string } | null;
  padding: string;
}

const keyInput = (prefixes: string[], lengths: number[]) =>
  fc.record({
    prefix: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...prefixes) },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    bytes: fc.oneof(
      {
        weight: 4,
        arbitrary: fc
          .constantFrom(...lengths)
          .chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
      },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 80 }) },
    ),
    encoding: fc.constantFrom('base64' as const, 'base64url' as const, 'unpadded' as const),
    edit: fc.option(
      fc.record({
        index: fc.nat(),
        char: fc.constantFrom('=', '+', '/', '-', '_', ' ', '\n', 'A', '\u00e9', ':'),
      }),
      { freq: 3 },
    ),
    padding: fc.constantFrom('', '', '', ' ', '\n', '\t'),
  });

function render(input: KeyInput): { text: string; body: string } {
  const buffer = Buffer.from(input.bytes);
  let body =
    input.encoding === 'base64'
      ? buffer.toString('base64')
      : input.encoding === 'base64url'
        ? buffer.toString('base64url')
        : buffer.toString('base64').replace(/=+$/, '');
  if (input.edit && body.length > 0) {
    const at = input.edit.index % body.length;
    body = body.slice(0, at) + input.edit.char + body.slice(at + 1);
  }
  return { text: `${input.padding}${input.prefix}${body}${input.padding}`, body };
}

function checkHidden(result: object, body: string): void {
  if (body.length < 16) return;
  for (const shown of [
    JSON.stringify(result),
    String(result),
    inspect(result, { showHidden: true, depth: 5 }),
  ]) {
    ensure(!shown.includes(body), 'the key text shows in JSON, String or inspect');
  }
}

export const kesApiKey = defineTarget<KeyInput>({
  name: 'kes-api-key',
  seededRuns: 3000,
  arbitrary: keyInput(['kes:v1:', 'kes:v1:', '', 'kes:v2:', 'KES:V1:'], [33]),
  check(input) {
    const { text, body } = render(input);
    const canonical =
      (input.prefix === 'kes:v1:' || input.prefix === '') &&
      input.bytes.length === 33 &&
      input.bytes[0] === 0 &&
      !input.edit &&
      /^[A-Za-z0-9+/]*$/.test(body);
    let key: ReturnType<typeof parseKesApiKey>;
    try {
      key = parseKesApiKey(text);
    } catch (error) {
      if (!(error instanceof TypeError))
        throw new UnexpectedOutcome('parseKesApiKey threw a non-TypeError', { cause: error });
      ensure(!canonical, `a well-formed KES API key failed: ${error.message}`);
      if (body.length >= 16) ensure(!error.message.includes(body), 'the message contains the key');
      return;
    }
    ensure(/^[0-9a-f]{64}$/.test(key.identity), 'the identity is not 64 hex digits');
    ensure(kesIdentity(key) === key.identity, 'kesIdentity differs from the key’s identity');
    ensure(
      parseKesApiKey(key.exportText()).identity === key.identity,
      'exportText does not parse back',
    );
    checkHidden(key, body);
  },
});

export const minkmsApiKey = defineTarget<KeyInput>({
  name: 'minkms-api-key',
  seededRuns: 3000,
  arbitrary: keyInput(['k1:', 'k1:', 'k2:', 'k3:', 'K1:', ''], [32, 32, 48, 66]),
  check(input) {
    const { text, body } = render(input);
    const canonical =
      input.prefix === 'k1:' &&
      input.bytes.length === 32 &&
      !input.edit &&
      input.padding === '' &&
      /^[A-Za-z0-9_-]*$/.test(body);
    let key: ReturnType<typeof parseMinkmsApiKey>;
    try {
      key = parseMinkmsApiKey(text);
    } catch (error) {
      if (!(error instanceof TypeError))
        throw new UnexpectedOutcome('parseMinkmsApiKey threw a non-TypeError', { cause: error });
      ensure(!canonical, `a well-formed MinKMS API key failed: ${error.message}`);
      if (body.length >= 16) ensure(!error.message.includes(body), 'the message contains the key');
      return;
    }
    ensure(
      /^h1:[A-Za-z0-9_-]{43}$/.test(key.identity),
      'the identity is not h1: and 43 base64url characters',
    );
    ensure(minkmsIdentity(text) === key.identity, 'minkmsIdentity differs from the key’s identity');
    checkHidden(key, body);
  },
});
