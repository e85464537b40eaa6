/**
 * A strict parser for JSON objects whose values are all strings, used for the SSE-KMS context.
 * Unlike `JSON.parse`, it rejects duplicate keys (where parsers disagree on which value wins) and
 * strings holding an unpaired UTF-16 surrogate (which have no UTF-8 form for the KMS).
 */

/** Thrown by `parseFlatJsonObject`. The message names the problem and its offset. */
export class FlatJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlatJsonError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Parses `{"key": "value", ...}` into an object without prototype.
 *
 * @throws {FlatJsonError} for anything else: other JSON types, nested values, duplicate keys,
 *   unpaired surrogates, trailing text.
 */
export function parseFlatJsonObject(text: string): Record<string, string> {
  const parser = new Parser(text);
  const result = parser.object();
  parser.skipWhitespace();
  if (parser.position < text.length) parser.fail('unexpected text after the JSON object');
  return result;
}

class Parser {
  position = 0;

  constructor(private readonly text: string) {}

  object(): Record<string, string> {
    this.skipWhitespace();
    if (this.text[this.position] !== '{') this.fail('expected a JSON object');
    this.position++;
    const result: Record<string, string> = Object.create(null);
    this.skipWhitespace();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      const key = this.string('key');
      if (Object.hasOwn(result, key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.skipWhitespace();
      if (this.text[this.position] !== ':') this.fail("expected ':' after a key");
      this.position++;
      this.skipWhitespace();
      if (this.text[this.position] !== '"') {
        this.fail(`the value of key ${JSON.stringify(key)} is not a string`);
      }
      result[key] = this.string(`value of key ${JSON.stringify(key)}`);
      this.skipWhitespace();
      const next = this.text[this.position];
      this.position++;
      if (next === '}') return result;
      if (next !== ',') this.fail("expected ',' or '}'");
    }
  }

  string(subject: string): string {
    if (this.text[this.position] !== '"') this.fail(`expected a string ${subject}`);
    this.position++;
    let value = '';
    for (;;) {
      const char = this.text[this.position];
      if (char === undefined) this.fail(`unterminated string ${subject}`);
      this.position++;
      if (char === '"') break;
      if (char === '\\') {
        value += this.escape(subject);
        continue;
      }
      if (char < ' ') this.fail(`unescaped control character in the ${subject}`);
      value += char;
    }
    if (LONE_SURROGATE.test(value)) {
      this.fail(`the ${subject} contains an unpaired UTF-16 surrogate`);
    }
    return value;
  }

  escape(subject: string): string {
    const char = this.text[this.position];
    this.position++;
    switch (char) {
      case '"':
      case '\\':
      case '/':
        return char;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.position, this.position + 4);
        if (!/^[0-9A-Fa-f]{4}$/.test(hex)) this.fail(`invalid \\u escape in the ${subject}`);
        this.position += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      default:
        return this.fail(`invalid escape in the ${subject}`);
    }
  }

  skipWhitespace(): void {
    while (/[ \t\n\r]/.test(this.text[this.position] ?? '')) this.position++;
  }

  fail(message: string): never {
    throw new FlatJsonError(`${message} at offset ${this.position}`);
  }
}
