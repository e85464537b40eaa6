/** Cancellation through an `AbortSignal`, before and during a call. */

import assert from 'node:assert/strict';
import { CanceledError, type KMS } from '@kmskit/core';
import { assertSameBytes, rejectsWith } from '../assertions.js';
import type { ConformanceCase } from '../types.js';

/** How long a canceled call may take to settle after the abort, in milliseconds. */
const PROMPT_MS = 1000;
const MID_FLIGHT_CALLS = 20;

/** Cases of the `kms.cancel` area. */
export const cancelCases: readonly ConformanceCase[] = [
  {
    id: 'kms.cancel.pre-aborted',
    title: 'fails at once with an aborted signal',
    async run({ kms, key, capabilities }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name });
      const signal = AbortSignal.abort(new Error('canceled by the conformance suite'));
      const before = kms.metrics();
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['generateKey', () => kms.generateKey({ name }, { signal })],
        ['decrypt', () => kms.decrypt({ name, ciphertext: dataKey.ciphertext }, { signal })],
        ['status', () => kms.status({ signal })],
      ];
      if (capabilities.mac) {
        calls.push(['mac', () => kms.mac({ name, message: new Uint8Array(1) }, { signal })]);
      }
      if (capabilities.listKeys) calls.push(['listKeys', () => kms.listKeys({}, { signal })]);

      for (const [operation, call] of calls) {
        const started = performance.now();
        await rejectsWith(call(), CanceledError, `${operation} with an aborted signal`);
        const elapsed = performance.now() - started;
        assert.ok(elapsed < PROMPT_MS, `${operation} took ${Math.round(elapsed)} ms to fail`);
      }
      const after = kms.metrics();
      assert.equal(after.total.canceled - before.total.canceled, calls.length, 'counted canceled');
      assert.equal(after.total.error, before.total.error, 'no cancellation counts as an error');
      assert.equal(after.total.failure, before.total.failure, 'nor as a failure');
    },
  },
  {
    id: 'kms.cancel.mid-flight',
    title: 'settles promptly when aborted mid-flight',
    async run({ kms, key }) {
      const name = await key();
      const dataKey = await kms.generateKey({ name });
      const outcomes = await Promise.all(
        Array.from({ length: MID_FLIGHT_CALLS }, (_, index) =>
          abortDuringCall(kms, index % 2 === 0 ? 'generateKey' : 'decrypt', name, dataKey),
        ),
      );
      for (const outcome of outcomes) {
        assert.ok(
          outcome.settledMs < PROMPT_MS,
          `a call settled ${Math.round(outcome.settledMs)} ms after the abort`,
        );
        if (outcome.error !== undefined) {
          assert.ok(
            CanceledError.isInstance(outcome.error),
            `an aborted call must fail with CanceledError or succeed, got ${String(outcome.error)}`,
          );
        }
      }
      const canceled = outcomes.filter((outcome) => outcome.error !== undefined).length;
      assert.equal(kms.metrics().total.canceled, canceled, 'each cancellation is counted once');

      const plaintext = await kms.decrypt({ name, ciphertext: dataKey.ciphertext });
      assertSameBytes(plaintext, dataKey.plaintext!, 'the client works after cancellations');
    },
  },
];

/**
 * Starts a call and aborts it on the next turn of the event loop, while a remote connector's
 * request is in flight. A local connector may finish first, which is a success.
 */
async function abortDuringCall(
  kms: KMS,
  operation: 'generateKey' | 'decrypt',
  name: string,
  dataKey: { ciphertext: Uint8Array },
): Promise<{ error?: unknown; settledMs: number }> {
  const controller = new AbortController();
  const { signal } = controller;
  const call =
    operation === 'generateKey'
      ? kms.generateKey({ name }, { signal })
      : kms.decrypt({ name, ciphertext: dataKey.ciphertext }, { signal });
  const settled = call.then(
    () => ({}),
    (error: unknown) => ({ error }),
  );
  await new Promise((resolve) => setImmediate(resolve));
  const aborted = performance.now();
  controller.abort(new Error('canceled by the conformance suite'));
  const outcome = await settled;
  return { ...outcome, settledMs: performance.now() - aborted };
}
