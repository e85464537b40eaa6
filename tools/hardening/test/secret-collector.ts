/**
 * Collects everything an application could print or export during a run — errors with their
 * causes, diagnostics events, metric and span attributes, `util.inspect` and `JSON.stringify` of
 * returned objects — and searches it for the run's secrets in every common encoding.
 */

import { inspect } from 'node:util';
import { DataKey, type KMS, subscribeKmsCalls } from '@kmskit/core';

/** Length of the needle prefix that indexes the search. */
const PREFIX = 8;

/** A secret of the run, with a label for the failure message. */
interface Secret {
  label: string;
  bytes: Uint8Array;
  text?: string;
}

/** Where a secret was found. */
export interface Leak {
  secret: string;
  form: string;
  excerpt: string;
}

export class SecretCollector {
  readonly #texts: string[] = [];
  readonly #secrets: Secret[] = [];
  #unsubscribe: (() => void) | undefined;

  /** How many texts were collected. */
  get size(): number {
    return this.#texts.length;
  }

  /** How many secrets are known. */
  get secretCount(): number {
    return this.#secrets.length;
  }

  /** Adds a secret: bytes, or text (searched as text and as its UTF-8 bytes). */
  secret(label: string, value: Uint8Array | string): void {
    if (typeof value === 'string')
      this.#secrets.push({ label, bytes: Buffer.from(value), text: value });
    else this.#secrets.push({ label, bytes: new Uint8Array(value) });
  }

  /** Adds text that an application could show. */
  text(value: string | undefined): void {
    if (value !== undefined) this.#texts.push(value);
  }

  /** Adds every printable form of a value: `String`, `JSON.stringify` and `util.inspect`. */
  object(value: unknown): void {
    this.text(safe(() => String(value)));
    this.text(safe(() => JSON.stringify(value)));
    this.text(inspect(value, { depth: 8, showHidden: false, getters: false }));
  }

  /** Adds an error: message, stack, `util.inspect` and the same for each cause. */
  error(error: unknown, depth = 0): void {
    if (depth > 8 || error === undefined || error === null) return;
    this.object(error);
    if (error instanceof Error) {
      this.text(error.message);
      this.text(error.stack);
      this.error(error.cause, depth + 1);
      if (error instanceof AggregateError)
        for (const inner of error.errors) this.error(inner, depth + 1);
    }
  }

  /** Records every diagnostics event until `stop`. */
  subscribe(): void {
    this.#unsubscribe = subscribeKmsCalls((event) => {
      this.text(JSON.stringify(event));
      this.text(inspect(event, { depth: 6 }));
    });
  }

  /** Stops recording diagnostics events. */
  stop(): void {
    this.#unsubscribe?.();
  }

  /**
   * Wraps a `KMS` so that every result and error of its calls is collected, and every data-key
   * plaintext it returns becomes a secret (copied before the caller can zero it).
   */
  watch(kms: KMS): KMS {
    this.object(kms);
    return new Proxy(kms, {
      get: (target, property) => {
        const value = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          let result: unknown;
          try {
            result = (value as (...a: unknown[]) => unknown).apply(target, args);
          } catch (error) {
            this.error(error);
            throw error;
          }
          if (!(result instanceof Promise)) return result;
          return result.then(
            (resolved) => {
              this.#result(String(property), resolved);
              return resolved;
            },
            (error) => {
              this.error(error);
              throw error;
            },
          );
        };
      },
    });
  }

  /** Returns every place a secret shows up, in raw, hex, base64, base64url or decimal form. */
  leaks(): Leak[] {
    const haystack = this.#texts.join('\n');
    // `util.inspect` breaks byte arrays over lines; without white space they read as one list.
    const compact = haystack.replace(/\s+/g, '');
    // Needles are indexed by their first characters, so each text is scanned once for all of them.
    const index = new Map<string, Array<{ label: string; form: string; needle: string }>>();
    for (const secret of this.#secrets) {
      for (const [form, needle] of forms(secret)) {
        const key = needle.slice(0, PREFIX);
        const list = index.get(key) ?? [];
        list.push({ label: secret.label, form, needle });
        index.set(key, list);
      }
    }
    const leaks: Leak[] = [];
    const seen = new Set<string>();
    for (const [text, raw] of [
      [haystack, true],
      [compact, false],
    ] as const) {
      for (let at = 0; at + PREFIX <= text.length; at++) {
        const candidates = index.get(text.slice(at, at + PREFIX));
        if (!candidates) continue;
        for (const { label, form, needle } of candidates) {
          if (!raw && (form === 'latin1' || form === 'text')) continue;
          if (!text.startsWith(needle, at) || seen.has(`${label}/${form}`)) continue;
          seen.add(`${label}/${form}`);
          leaks.push({ secret: label, form, excerpt: text.slice(Math.max(0, at - 80), at + 40) });
        }
      }
    }
    return leaks;
  }

  #result(operation: string, value: unknown): void {
    if (value instanceof DataKey) {
      if (value.plaintext) this.secret(`data key from ${operation}`, value.plaintext);
      this.object(value);
      return;
    }
    if (value instanceof Uint8Array) {
      // decrypt returns a data key's plaintext; mac returns a public MAC.
      if (operation === 'decrypt') this.secret('decrypted data key', value);
      else this.object(value);
      return;
    }
    this.object(value);
  }
}

function forms(secret: Secret): Array<[string, string]> {
  const bytes = Buffer.from(secret.bytes);
  const base64 = bytes.toString('base64');
  const list: Array<[string, string]> = [
    ['latin1', bytes.toString('latin1')],
    ['hex', bytes.toString('hex')],
    ['HEX', bytes.toString('hex').toUpperCase()],
    ['base64', base64.replace(/=+$/, '')],
    ['base64url', bytes.toString('base64url')],
    ['decimal', [...bytes].join(',')],
  ];
  if (secret.text !== undefined) list.push(['text', secret.text]);
  // Short needles would match by chance; every secret here is at least 16 bytes.
  return list.filter(([, needle]) => needle.length >= 16);
}

function safe(call: () => string | undefined): string | undefined {
  try {
    return call();
  } catch (error) {
    return `<${(error as Error).name}>`;
  }
}
