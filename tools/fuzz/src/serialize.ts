/**
 * JSON with tags for what JSON lacks (bytes, maps, `undefined`, special numbers), so a failing
 * input can be written to a file and read back exactly.
 */

type Tagged =
  | { $bytes: string }
  | { $map: Array<[unknown, unknown]> }
  | { $undefined: true }
  | { $number: string }
  | { $bigint: string };

/** Converts an input into a JSON-safe value. */
export function toSerializable(value: unknown): unknown {
  if (value === undefined) return { $undefined: true } satisfies Tagged;
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
    return { $number: Object.is(value, -0) ? '-0' : String(value) } satisfies Tagged;
  }
  if (typeof value === 'bigint') return { $bigint: value.toString() } satisfies Tagged;
  if (value instanceof Uint8Array) {
    return { $bytes: Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64') };
  }
  if (value instanceof Map) {
    return { $map: [...value].map(([k, v]) => [toSerializable(k), toSerializable(v)]) };
  }
  if (Array.isArray(value)) return value.map(toSerializable);
  if (typeof value === 'object' && value !== null) {
    const out: Array<[string, unknown]> = [];
    for (const key of Object.keys(value)) {
      out.push([key, toSerializable((value as Record<string, unknown>)[key])]);
    }
    // Entries keep keys such as `__proto__` that an object literal would swallow.
    return { $object: out };
  }
  return value;
}

/** Restores a value written by `toSerializable`. */
export function fromSerializable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromSerializable);
  if (typeof value !== 'object' || value === null) return value;
  const tagged = value as Record<string, unknown>;
  if (tagged.$undefined === true) return undefined;
  if (typeof tagged.$number === 'string')
    return tagged.$number === '-0' ? -0 : Number(tagged.$number);
  if (typeof tagged.$bigint === 'string') return BigInt(tagged.$bigint);
  if (typeof tagged.$bytes === 'string')
    return new Uint8Array(Buffer.from(tagged.$bytes, 'base64'));
  if (Array.isArray(tagged.$map)) {
    return new Map(
      (tagged.$map as Array<[unknown, unknown]>).map(([k, v]) => [
        fromSerializable(k),
        fromSerializable(v),
      ]),
    );
  }
  if (Array.isArray(tagged.$object)) {
    const out: Record<string, unknown> = {};
    for (const [key, entry] of tagged.$object as Array<[string, unknown]>) {
      Object.defineProperty(out, key, {
        value: fromSerializable(entry),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}
