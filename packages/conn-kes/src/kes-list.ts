/**
 * Client-side listing. The connector always requests every key from the server (`*`: a glob on KES
 * v0.22, "all keys" on newer servers) and filters, sorts and pages itself, so prefix, continue-at
 * and limit behave the same on every server version.
 */

import type { KeyListPage } from '@kmskit/core';
import type { KesListResponse } from './kes-wire.js';

/** Upper bound of follow-up requests for one listing, against servers that never end it. */
const MAX_PAGES = 10_000;

/**
 * Collects every name, following `continue_at` the way KES's Go client does: the next request
 * uses `continue_at` as its pattern. Stops when `continue_at` is empty or repeats.
 *
 * NOTE: some KES key stores cap a page at 1024 names and return the next name in `continue_at`.
 * Newer KES servers read the follow-up pattern as a literal prefix, so names after the first page
 * that do not start with `continue_at` are missed, as they are with KES's own Go client.
 */
export async function collectListPages(
  fetchPage: (pattern: string) => Promise<KesListResponse>,
): Promise<string[]> {
  const names = new Set<string>();
  const patterns = new Set<string>();
  let pattern = '*';
  for (let page = 0; page < MAX_PAGES; page++) {
    patterns.add(pattern);
    const response = await fetchPage(pattern);
    for (const name of response.names) names.add(name);
    if (response.continueAt === '' || patterns.has(response.continueAt)) break;
    pattern = response.continueAt;
  }
  return [...names];
}

/**
 * Returns the page of `names` that start with `prefix` and are not before `continueAt`, in
 * ascending order of their UTF-8 bytes, at most `limit` of them (0: no limit). `continueAt` of
 * the result is the first name left out, or `''`.
 */
export function pageOfNames(
  names: readonly string[],
  prefix: string,
  continueAt: string,
  limit: number,
): KeyListPage {
  const start = utf8(continueAt);
  const matching = names
    .filter((name) => name.startsWith(prefix))
    .map((name) => ({ name, bytes: utf8(name) }))
    .filter((entry) => compareBytes(entry.bytes, start) >= 0)
    .sort((a, b) => compareBytes(a.bytes, b.bytes));
  const page = limit > 0 ? matching.slice(0, limit) : matching;
  const next = limit > 0 && matching.length > limit ? matching[limit]!.name : '';
  return { names: page.map((entry) => entry.name), continueAt: next };
}

const encoder = new TextEncoder();

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i]! - b[i]!;
  }
  return a.length - b.length;
}
