import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeContext, encodeContext, encodeContextEntries } from '../src/context.js';
import { InvalidContextError } from '../src/errors.js';

interface Pair {
  key: string;
  key_hex: string;
  value: string;
  value_hex: string;
}
interface ContextVector {
  name: string;
  kind: string;
  inputs: { context_pairs: Pair[] };
  expected: { text: string; hex: string };
}

const fixtures = JSON.parse(
  readFileSync(new URL('./fixtures/core-vectors.json', import.meta.url), 'utf8'),
);
const vectors: ContextVector[] = fixtures.vectors.filter(
  (v: ContextVector) => v.kind === 'context_marshal',
);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, 'hex'));
const isValidUtf8 = (text: string) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(fromHex(text));
    return true;
  } catch {
    return false;
  }
};

function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('context_marshal vectors', () => {
  it('runs every vector', () => {
    expect(vectors.length).toBe(21);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s encodes byte pairs', (_, vector) => {
    const pairs = vector.inputs.context_pairs.map(
      (p) => [fromHex(p.key_hex), fromHex(p.value_hex)] as const,
    );
    for (const order of [pairs, [...pairs].reverse(), shuffled(pairs, 7), shuffled(pairs, 99)]) {
      expect(hex(encodeContextEntries(order))).toBe(vector.expected.hex);
    }
  });

  const stringVectors = vectors.filter((v) =>
    v.inputs.context_pairs.every((p) => isValidUtf8(p.key_hex) && isValidUtf8(p.value_hex)),
  );

  it('runs the valid UTF-8 vectors as strings', () => {
    expect(stringVectors.length).toBe(20);
  });

  it.each(stringVectors.map((v) => [v.name, v] as const))(
    '%s encodes a string map',
    (_, vector) => {
      const entries = vector.inputs.context_pairs.map(
        (p) =>
          [
            Buffer.from(p.key_hex, 'hex').toString('utf8'),
            Buffer.from(p.value_hex, 'hex').toString('utf8'),
          ] as const,
      );
      expect(hex(encodeContext(Object.fromEntries(entries)))).toBe(vector.expected.hex);
      expect(hex(encodeContext(new Map(entries.reverse())))).toBe(vector.expected.hex);
    },
  );
});

describe('encodeContext', () => {
  it('encodes missing and empty as {}', () => {
    expect(Buffer.from(encodeContext()).toString()).toBe('{}');
    expect(Buffer.from(encodeContext(null)).toString()).toBe('{}');
    expect(Buffer.from(encodeContext({})).toString()).toBe('{}');
    expect(Buffer.from(encodeContext(new Map())).toString()).toBe('{}');
  });

  it('sorts keys by UTF-8 bytes', () => {
    // UTF-16 order puts U+10002 (a surrogate pair, 0xD800…) before U+FF61; UTF-8 order does not.
    const context = { '\uFF61': '1', '\u{10002}': '2', a: 'x', B: 'y', é: 'z' };
    const text = Buffer.from(encodeContext(context)).toString();
    expect(text).toBe('{"B":"y","a":"x","é":"z","\uFF61":"1","\u{10002}":"2"}');
    const utf16Order = Object.keys(context).sort();
    expect(utf16Order.indexOf('\u{10002}')).toBeLessThan(utf16Order.indexOf('\uFF61'));
  });

  it('ignores the process locale', () => {
    const script = `import { encodeContext } from ${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)};
      process.stdout.write(Buffer.from(encodeContext({ '\\uFF61': '1', '\\u{10002}': '2', a: 'x', B: 'y', 'é': 'z' })).toString('hex'));`;
    const outputs = ['C', 'sv_SE.UTF-8', 'tr_TR.UTF-8'].map((lang) =>
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        env: { ...process.env, LANG: lang, LC_ALL: lang },
      }).toString(),
    );
    expect(new Set(outputs).size).toBe(1);
    expect(outputs[0]).toBe(
      hex(encodeContext({ '\uFF61': '1', '\u{10002}': '2', a: 'x', B: 'y', é: 'z' })),
    );
  });

  it('rejects an unpaired surrogate', () => {
    expect(() => encodeContext({ bucket: 'object\uD800' })).toThrow(InvalidContextError);
    expect(() => encodeContext({ '\uDC00': 'value' })).toThrow(/unpaired UTF-16 surrogate/);
    expect(Buffer.from(encodeContext({ k: '\uD83D\uDE42' })).toString()).toBe('{"k":"🙂"}');
  });

  it('rejects values that are not strings', () => {
    expect(() => encodeContext({ bucket: 1 } as unknown as Record<string, string>)).toThrow(
      /value for key "bucket": expected a string, got number/,
    );
    expect(() => encodeContext('text' as unknown as Record<string, string>)).toThrow(
      InvalidContextError,
    );
  });

  it('keeps a __proto__ key', () => {
    const bytes = new TextEncoder().encode('{"__proto__":"x","a":"b"}');
    const decoded = decodeContext(bytes);
    expect(Object.keys(decoded)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Buffer.from(encodeContext(decoded)).toString()).toBe('{"__proto__":"x","a":"b"}');
  });

  it('round-trips through decodeContext', () => {
    const context = { 'my-bucket': 'my-bucket/a<b>&c', x: 'line\u2028' };
    expect(decodeContext(encodeContext(context))).toEqual(context);
    expect(() => decodeContext(new TextEncoder().encode('{"a":1}'))).toThrow(InvalidContextError);
  });
});
