/** Faults that a KES test server injects into its responses, per listener and path. */

/** A fault. Each one replaces or changes the normal response to a matching request. */
export type KesFault =
  /** Waits `ms` milliseconds, then responds normally. */
  | { kind: 'delay'; ms: number }
  /** Responds `status` with `{"message"}` (default `injected fault`), or `body` as given. */
  | { kind: 'status'; status: number; message?: string; body?: string; contentType?: string }
  /** Destroys the connection without a response and without handling the request. */
  | { kind: 'close' }
  /** Handles the request (a create does create the key), then destroys the connection without a response. */
  | { kind: 'close-after-handling' }
  /** Responds normally, then destroys the connection without a `Connection: close` header. */
  | { kind: 'close-after-response' }
  /** Never responds. The connection stays open until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Responds 200 with a JSON body of `bytes` bytes. @default 2 MiB */
  | { kind: 'oversized'; bytes?: number }
  /** Responds 200 with a truncated JSON body. */
  | { kind: 'malformed-json' }
  /** Responds normally but labels the body with this Content-Type. */
  | { kind: 'content-type'; contentType: string }
  /** Responds with a redirect to `location`. @default status 307 */
  | { kind: 'redirect'; location: string; status?: number };

/** Where and how often a fault applies. */
export interface KesFaultScope {
  /** The listener index; all listeners when left out. */
  listener?: number;
  /** A path prefix or pattern the request path must match; all paths when left out. */
  path?: string | RegExp;
  /** How many requests it applies to; unlimited when left out. */
  times?: number;
}

/** An injected fault. */
export interface KesFaultHandle {
  /** How many requests it has applied to. */
  readonly hits: number;
  /** Stops applying it. */
  remove(): void;
}

interface Entry {
  fault: KesFault;
  scope: KesFaultScope;
  hits: number;
  removed: boolean;
}

/** The faults of one server, matched in the order they were injected. */
export class KesFaults {
  #entries: Entry[] = [];

  inject(fault: KesFault, scope: KesFaultScope = {}): KesFaultHandle {
    const entry: Entry = { fault, scope, hits: 0, removed: false };
    this.#entries.push(entry);
    return {
      get hits() {
        return entry.hits;
      },
      remove: () => {
        entry.removed = true;
        this.#entries = this.#entries.filter((candidate) => candidate !== entry);
      },
    };
  }

  /** Returns the fault for a request and counts the hit, or `undefined`. */
  take(listener: number, path: string): KesFault | undefined {
    for (const entry of this.#entries) {
      if (entry.removed || !matches(entry.scope, listener, path)) continue;
      if (entry.scope.times !== undefined && entry.hits >= entry.scope.times) continue;
      entry.hits++;
      return entry.fault;
    }
    return undefined;
  }

  clear(): void {
    for (const entry of this.#entries) entry.removed = true;
    this.#entries = [];
  }
}

function matches(scope: KesFaultScope, listener: number, path: string): boolean {
  if (scope.listener !== undefined && scope.listener !== listener) return false;
  if (scope.path === undefined) return true;
  return typeof scope.path === 'string' ? path.startsWith(scope.path) : scope.path.test(path);
}
