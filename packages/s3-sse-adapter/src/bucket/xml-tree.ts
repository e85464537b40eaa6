/**
 * A small, strict XML reader for S3 request bodies with a fixed schema. It builds an element tree
 * and rejects document type declarations, so no entity is ever expanded from the body.
 * Namespace prefixes are dropped from element names, as Go's decoder matches local names.
 */

/** One XML element. */
export interface XmlElement {
  /** The local name, without a namespace prefix. */
  name: string;
  /** Attributes by their full name (`xmlns`, `xmlns:s3`, …). */
  attributes: Map<string, string>;
  /** Child elements in document order. */
  children: XmlElement[];
  /** The concatenated character data directly inside the element. */
  text: string;
}

/** Thrown by `parseXml`; the message names the problem and its offset. */
export class XmlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const NAME = /[A-Za-z_][\w.:-]*/y;

/**
 * Parses one XML document and returns its root element.
 *
 * @throws {XmlSyntaxError} for anything that is not well-formed, and for DOCTYPE declarations.
 */
export function parseXml(text: string): XmlElement {
  const reader = new Reader(text.startsWith('\uFEFF') ? text.slice(1) : text);
  reader.skipMisc();
  const root = reader.element();
  reader.skipMisc();
  if (!reader.done()) reader.fail('unexpected content after the root element');
  return root;
}

class Reader {
  position = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.position >= this.text.length;
  }

  /** Skips whitespace, comments, processing instructions and the XML declaration. */
  skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.text[this.position] ?? '')) this.position++;
      if (this.text.startsWith('<?', this.position)) {
        this.skipPast('?>');
      } else if (this.text.startsWith('<!--', this.position)) {
        this.skipPast('-->');
      } else if (this.text.startsWith('<!', this.position)) {
        this.fail('document type declarations are not allowed');
      } else {
        return;
      }
    }
  }

  element(): XmlElement {
    if (this.text[this.position] !== '<') this.fail("expected '<'");
    this.position++;
    const qualifiedName = this.name();
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = this.skipSpace();
      const char = this.text[this.position];
      if (char === '/' && this.text[this.position + 1] === '>') {
        this.position += 2;
        return { name: localName(qualifiedName), attributes, children: [], text: '' };
      }
      if (char === '>') {
        this.position++;
        break;
      }
      if (!hadSpace) this.fail('expected whitespace before an attribute');
      const attribute = this.name();
      this.skipSpace();
      if (this.text[this.position] !== '=') this.fail(`expected '=' after attribute ${attribute}`);
      this.position++;
      this.skipSpace();
      if (attributes.has(attribute)) this.fail(`duplicate attribute ${attribute}`);
      attributes.set(attribute, this.quoted());
    }

    const element: XmlElement = {
      name: localName(qualifiedName),
      attributes,
      children: [],
      text: '',
    };
    for (;;) {
      if (this.done()) this.fail(`element ${qualifiedName} is not closed`);
      if (this.text.startsWith('</', this.position)) {
        this.position += 2;
        const closing = this.name();
        if (closing !== qualifiedName) {
          this.fail(`element ${qualifiedName} is closed by </${closing}>`);
        }
        this.skipSpace();
        if (this.text[this.position] !== '>') this.fail("expected '>'");
        this.position++;
        return element;
      }
      if (this.text.startsWith('<![CDATA[', this.position)) {
        const end = this.text.indexOf(']]>', this.position + 9);
        if (end < 0) this.fail('unterminated CDATA section');
        element.text += this.text.slice(this.position + 9, end);
        this.position = end + 3;
      } else if (this.text.startsWith('<!--', this.position)) {
        this.skipPast('-->');
      } else if (this.text.startsWith('<?', this.position)) {
        this.skipPast('?>');
      } else if (this.text.startsWith('<!', this.position)) {
        this.fail('document type declarations are not allowed');
      } else if (this.text[this.position] === '<') {
        element.children.push(this.element());
      } else {
        const end = this.text.indexOf('<', this.position);
        const raw = this.text.slice(this.position, end < 0 ? this.text.length : end);
        element.text += this.decodeEntities(raw);
        this.position += raw.length;
      }
    }
  }

  name(): string {
    NAME.lastIndex = this.position;
    const match = NAME.exec(this.text);
    if (!match) this.fail('expected a name');
    this.position += match[0].length;
    return match[0];
  }

  quoted(): string {
    const quote = this.text[this.position];
    if (quote !== '"' && quote !== "'") this.fail('expected a quoted attribute value');
    const end = this.text.indexOf(quote, this.position + 1);
    if (end < 0) this.fail('unterminated attribute value');
    const raw = this.text.slice(this.position + 1, end);
    if (raw.includes('<')) this.fail("'<' in an attribute value");
    this.position = end + 1;
    return this.decodeEntities(raw);
  }

  decodeEntities(raw: string): string {
    return raw.replace(/&([^;&\s]*);?/g, (entity, body: string) => {
      if (!entity.endsWith(';')) this.fail(`unterminated entity ${JSON.stringify(entity)}`);
      const named = ENTITIES[body];
      if (named !== undefined) return named;
      const code = /^#x[0-9A-Fa-f]+$/.test(body)
        ? Number.parseInt(body.slice(2), 16)
        : /^#\d+$/.test(body)
          ? Number.parseInt(body.slice(1), 10)
          : Number.NaN;
      if (!Number.isInteger(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
        this.fail(`invalid entity ${JSON.stringify(entity)}`);
      }
      return String.fromCodePoint(code);
    });
  }

  skipSpace(): boolean {
    const start = this.position;
    while (/\s/.test(this.text[this.position] ?? '')) this.position++;
    return this.position > start;
  }

  skipPast(marker: string): void {
    const end = this.text.indexOf(marker, this.position);
    if (end < 0) this.fail(`expected ${JSON.stringify(marker)}`);
    this.position = end + marker.length;
  }

  fail(message: string): never {
    throw new XmlSyntaxError(`XML syntax error at offset ${this.position}: ${message}`);
  }
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

/** Escapes text as Go's `xml.EscapeText` does (quotes, tabs and line breaks as character references). */
export function escapeGoXmlText(text: string): string {
  return text.replace(/[&<>"'\t\n\r]/g, (char) => GO_XML_ESCAPES[char]!);
}

const GO_XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&#34;',
  "'": '&#39;',
  '\t': '&#x9;',
  '\n': '&#xA;',
  '\r': '&#xD;',
};
