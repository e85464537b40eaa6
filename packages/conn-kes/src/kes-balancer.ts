/**
 * Endpoint selection: a random start per call spreads load, and an endpoint that failed is
 * skipped for a cool-down. After the cool-down one call at a time may probe it; success clears
 * the state, failure starts a new cool-down.
 */

import type { KesEndpoint } from './kes-endpoint.js';

interface EndpointState {
  /** Until when the endpoint is skipped, in `Date.now()` milliseconds; 0 when healthy. */
  coolingUntil: number;
  /** A call is probing the endpoint after its cool-down. */
  probing: boolean;
}

/** Chooses the order in which a call tries the endpoints. */
export class KesBalancer {
  readonly #endpoints: readonly KesEndpoint[];
  readonly #states: Map<KesEndpoint, EndpointState>;
  readonly #cooldownMs: number;
  readonly #random: () => number;
  /** How many endpoints have failed and not succeeded since. */
  #unhealthy = 0;

  constructor(
    endpoints: readonly KesEndpoint[],
    cooldownMs: number,
    random: () => number = Math.random,
  ) {
    this.#endpoints = endpoints;
    this.#cooldownMs = cooldownMs;
    this.#random = random;
    this.#states = new Map(
      endpoints.map((endpoint) => [endpoint, { coolingUntil: 0, probing: false }]),
    );
  }

  /**
   * Returns the endpoints in the order a call should consider them, from a random start, and
   * whether all of them are cooling down; then the call tries them all anyway, so it never fails
   * without trying anything. A single endpoint is always tried.
   */
  plan(): { endpoints: readonly KesEndpoint[]; force: boolean } {
    const count = this.#endpoints.length;
    if (count === 1) return { endpoints: this.#endpoints, force: true };

    const start = Math.floor(this.#random() * count);
    const endpoints: KesEndpoint[] = [];
    for (let i = 0; i < count; i++) endpoints.push(this.#endpoints[(start + i) % count]!);
    if (this.#unhealthy < count) return { endpoints, force: false };

    const now = Date.now();
    const force = endpoints.every((endpoint) => !this.#usable(this.#states.get(endpoint)!, now));
    return { endpoints, force };
  }

  /**
   * Claims an endpoint for one attempt. Returns false when the call should skip it: it is
   * cooling down, or another call is probing it after its cool-down. `force` claims it anyway.
   */
  begin(endpoint: KesEndpoint, force: boolean): boolean {
    const state = this.#states.get(endpoint);
    if (state === undefined) return false;
    if (state.coolingUntil === 0) return true;
    if (!force && !this.#usable(state, Date.now())) return false;
    state.probing = true;
    return true;
  }

  /** Records a successful response: the endpoint is healthy again. */
  succeeded(endpoint: KesEndpoint): void {
    const state = this.#states.get(endpoint);
    if (state === undefined || (state.coolingUntil === 0 && !state.probing)) return;
    if (state.coolingUntil !== 0) this.#unhealthy--;
    state.coolingUntil = 0;
    state.probing = false;
  }

  /** Records a failure that moved the call on: the endpoint cools down. */
  failed(endpoint: KesEndpoint, now: number = Date.now()): void {
    const state = this.#states.get(endpoint);
    if (state === undefined) return;
    if (state.coolingUntil === 0) this.#unhealthy++;
    state.coolingUntil = now + this.#cooldownMs;
    state.probing = false;
  }

  /** Releases a probe that ended without a verdict, such as a canceled call. */
  released(endpoint: KesEndpoint): void {
    const state = this.#states.get(endpoint);
    if (state !== undefined) state.probing = false;
  }

  /** Reports whether an endpoint is cooling down. */
  isCoolingDown(endpoint: KesEndpoint, now: number = Date.now()): boolean {
    const state = this.#states.get(endpoint);
    return state !== undefined && state.coolingUntil > now;
  }

  #usable(state: EndpointState, now: number): boolean {
    return state.coolingUntil === 0 || (state.coolingUntil <= now && !state.probing);
  }
}
