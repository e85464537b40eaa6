/**
 * One request and its response over undici's dispatch API. It collects the body into memory with
 * a size limit and can be ended at any moment: before the request reaches a socket, while it waits
 * for the response, or while the body arrives. Going through `dispatch` rather than `request`
 * avoids a body stream and an `AbortSignal` per request, which are most of the client's cost.
 */

import type { Dispatcher } from 'undici';

/** A complete response. */
export interface KesHttpResponse {
  status: number;
  /** The Content-Type, trimmed and in lower case; `''` when absent. */
  contentType: string;
  /** The Location header, for redirects. */
  location: string | undefined;
  body: string;
}

/** The way an exchange ended without a response. */
export interface KesExchangeFailure {
  /** The error from undici, or the reason passed to `end`. */
  cause: unknown;
  /** The response headers had arrived when it failed. */
  responded: boolean;
  /** `end` ended it, with this reason. */
  ended: 'timeout' | 'canceled' | undefined;
  /** The body passed the size limit. */
  tooLarge: boolean;
}

/** Collects one response; `promise` settles once, with the response or a `KesExchangeFailure`. */
export class KesExchange implements Dispatcher.DispatchHandler {
  readonly promise: Promise<KesHttpResponse>;
  #resolve!: (response: KesHttpResponse) => void;
  #reject!: (failure: KesExchangeFailure) => void;
  readonly #maxBytes: number;
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  #ended: KesExchangeFailure['ended'];
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #chunks: Buffer[] = [];
  #length = 0;
  #tooLarge = false;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.promise = new Promise<KesHttpResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** Ends the exchange now; undici drops the request or the connection it is on. */
  end(reason: 'timeout' | 'canceled', cause: unknown): void {
    if (this.#settled) return;
    this.#ended = reason;
    this.#fail(cause);
    this.#controller?.abort(cause instanceof Error ? cause : new Error(String(cause)));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // The request waited for a connection while the attempt ended: do not send it at all.
    if (this.#settled) controller.abort(new Error('the attempt ended before the request was sent'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = status;
    this.#headers = headers;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#length += chunk.length;
    if (this.#length > this.#maxBytes) {
      this.#tooLarge = true;
      controller.abort(new Error(`the response exceeds ${this.#maxBytes} bytes`));
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    this.#settled = true;
    const body = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    this.#resolve({
      status: this.#status,
      contentType: first(this.#headers['content-type']).trim().toLowerCase(),
      location: this.#headers.location === undefined ? undefined : first(this.#headers.location),
      body: body.toString('utf8'),
    });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#fail(error);
  }

  #fail(cause: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks = [];
    this.#reject({
      cause,
      responded: this.#status >= 200,
      ended: this.#ended,
      tooLarge: this.#tooLarge,
    });
  }
}

function first(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? (value[0] ?? '') : value;
}
