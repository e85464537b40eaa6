/** Fault injection for the MinKMS test server. */

/**
 * A fault. Faults that respond in place of the server (`close`, `status`, `blackhole`,
 * `oversized`, `redirect`, `response`) skip the command, so nothing changes in the store.
 * `delay`, `content-type`, `malformed-frame` and `chunked` run it and alter the response.
 */
export type MinkmsFault =
  /** Waits `ms` milliseconds, then responds normally. */
  | { type: 'delay'; ms: number }
  /** Reads the whole request, then destroys the socket without a response. */
  | { type: 'close' }
  /** Answers with an error status and a protobuf `ErrResponse` carrying `message`. */
  | { type: 'status'; status: number; message?: string }
  /** Reads the request and never responds, until the listener stops or the server closes. */
  | { type: 'blackhole' }
  /** Answers 200 with a Content-Length of `bytes` (default 64 MiB) and sends filler until the client leaves. */
  | { type: 'oversized'; bytes?: number }
  /**
   * Answers with a broken frame: another command id (`wrong-command`, the default), a length
   * that runs past the end (`truncated`), or an extra frame after the response (`trailing-data`).
   */
  | { type: 'malformed-frame'; variant?: 'wrong-command' | 'truncated' | 'trailing-data' }
  /** Answers normally but with chunked transfer encoding instead of a Content-Length. */
  | { type: 'chunked' }
  /** Answers normally but with this Content-Type. */
  | { type: 'content-type'; contentType: string }
  /** Answers with a redirect (default 307) to `location` (default the same path on 127.0.0.1:1). */
  | { type: 'redirect'; status?: 301 | 302 | 303 | 307 | 308; location?: string }
  /** Answers with exactly this status, Content-Type and body. */
  | { type: 'response'; status: number; contentType?: string; body?: string | Uint8Array };

/** The listener, route and number of requests a fault applies to. */
export interface MinkmsFaultOptions {
  /** The listener index it applies to. @default every listener */
  listener?: number;
  /** `command` for `POST /v1/kms/…`, `version` for `GET /version`, `any` for every request. @default 'any' */
  route?: 'command' | 'version' | 'any';
  /** How many requests it applies to. @default until removed */
  times?: number;
}

/** An injected fault. */
export interface MinkmsFaultHandle {
  /** How many requests it has applied to. */
  readonly hits: number;
  /** Stops applying it. */
  remove(): void;
}

interface Rule {
  fault: MinkmsFault;
  listener: number | undefined;
  route: 'command' | 'version' | 'any';
  remaining: number;
  hits: number;
}

/** The active faults of a server, checked in the order they were added. */
export class MinkmsFaultSet {
  #rules: Rule[] = [];

  /** Adds a fault. */
  add(fault: MinkmsFault, options: MinkmsFaultOptions = {}): MinkmsFaultHandle {
    const rule: Rule = {
      fault,
      listener: options.listener,
      route: options.route ?? 'any',
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
    };
    this.#rules.push(rule);
    return {
      get hits() {
        return rule.hits;
      },
      remove: () => {
        this.#rules = this.#rules.filter((item) => item !== rule);
      },
    };
  }

  /** Removes every fault. */
  clear(): void {
    this.#rules = [];
  }

  /** Returns the first fault for a request and counts it, or `undefined`. */
  take(listener: number, route: 'command' | 'version' | 'other'): MinkmsFault | undefined {
    const rule = this.#rules.find(
      (item) =>
        item.remaining > 0 &&
        (item.listener === undefined || item.listener === listener) &&
        (item.route === 'any' || item.route === route),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    rule.hits += 1;
    if (rule.remaining === 0) this.#rules = this.#rules.filter((item) => item !== rule);
    return rule.fault;
  }
}
