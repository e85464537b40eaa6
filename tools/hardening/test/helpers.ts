/** Shared pieces of the hardening tests: timing, typed-error checks and a request trap. */

import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { KmsError } from '@kmskit/core';
import type { TestPki } from '@kmskit/testing';
import { expect } from 'vitest';

/** How a call ended and how long it took. */
export interface Timed<T> {
  value?: T;
  error?: unknown;
  ms: number;
}

/** Runs `call` and records its outcome and duration; never throws. */
export async function timed<T>(call: () => Promise<T>): Promise<Timed<T>> {
  const started = performance.now();
  try {
    const value = await call();
    return { value, ms: performance.now() - started };
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
}

/**
 * Asserts that `call` fails with a `KmsError` (of `code`, when given) within `deadlineMs` plus
 * generous slack for a loaded CI machine, and returns the error.
 */
export async function expectTypedFailure(
  call: () => Promise<unknown>,
  deadlineMs: number,
  code?: string | RegExp,
): Promise<KmsError> {
  const outcome = await timed(call);
  expect(outcome.error, 'the call succeeded').toBeDefined();
  expect(KmsError.isInstance(outcome.error), `untyped error: ${String(outcome.error)}`).toBe(true);
  const error = outcome.error as KmsError;
  if (typeof code === 'string') expect(error.code).toBe(code);
  if (code instanceof RegExp) expect(error.code).toMatch(code);
  expect(outcome.ms).toBeLessThan(deadlineMs * 1.5 + 1_500);
  return error;
}

/** A date in the past, for expired certificates. */
export const daysAgo = (days: number): Date => new Date(Date.now() - days * 24 * 60 * 60 * 1000);

/**
 * Wraps a PKI so that the test servers' `pki.issueServer()` returns a certificate with other
 * names or validity. The test servers take no server certificate directly.
 */
export function pkiIssuing(pki: TestPki, options: Parameters<TestPki['issueServer']>[0]): TestPki {
  return { ...pki, issueServer: () => pki.issueServer(options) };
}

/** An HTTPS server on 127.0.0.1 that counts the requests it gets: a redirect must never reach it. */
export interface Trap {
  url: string;
  hits: number;
  close(): Promise<void>;
}

/** Starts a `Trap` with a certificate of `pki`, for `localhost` and 127.0.0.1. */
export async function startTrap(pki: TestPki): Promise<Trap> {
  const certificate = await pki.issueServer();
  let hits = 0;
  const server: Server = createServer(
    { cert: certificate.cert, key: certificate.key },
    (_, response) => {
      hits++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}`,
    get hits() {
      return hits;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `count` calls of `call` with at most `concurrency` at once; returns the failures. */
export async function load(
  count: number,
  concurrency: number,
  call: (index: number) => Promise<unknown>,
  onProgress?: (done: number) => void | Promise<void>,
): Promise<unknown[]> {
  const failures: unknown[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      try {
        await call(index);
      } catch (error) {
        failures.push(error);
      }
      done++;
      await onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return failures;
}
