/**
 * Case-insensitive access to request headers in the three shapes an S3 server meets: a plain
 * object, a WHATWG `Headers` and Node's `IncomingHttpHeaders` (lowercase keys, `string[]` values
 * for repeated headers).
 */

/** Request headers: a plain object (any case), a `Headers` or Node's `IncomingHttpHeaders`. */
export type HeaderInput =
  | Headers
  | Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** A case-insensitive, read-only view of request headers. */
export interface HeaderView {
  /** Reports whether the header is present, even with an empty value. */
  has(name: string): boolean;
  /** Returns the header's first value, or `undefined` when it is absent. */
  get(name: string): string | undefined;
}

/** Wraps headers of any supported shape in a case-insensitive view. */
export function headerView(headers: HeaderInput | HeaderView | undefined | null): HeaderView {
  if (headers === undefined || headers === null) return EMPTY;
  if (views.has(headers as object)) return headers as HeaderView;
  if (typeof Headers !== 'undefined' && headers instanceof Headers) {
    return remember({
      has: (name) => headers.has(name),
      get: (name) => headers.get(name) ?? undefined,
    });
  }
  if (typeof headers !== 'object') {
    throw new TypeError(
      `headers must be a plain object, a Headers or IncomingHttpHeaders, got ${typeof headers}`,
    );
  }
  const byLowerName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || typeof value === 'function') continue;
    const lower = name.toLowerCase();
    if (byLowerName.has(lower)) continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) continue;
    byLowerName.set(lower, String(first));
  }
  return remember({
    has: (name) => byLowerName.has(name.toLowerCase()),
    get: (name) => byLowerName.get(name.toLowerCase()),
  });
}

/** Views made by `headerView`, so that passing one again does not wrap it twice. */
const views = new WeakSet<object>();

function remember(view: HeaderView): HeaderView {
  views.add(view);
  return view;
}

const EMPTY: HeaderView = remember({ has: () => false, get: () => undefined });
