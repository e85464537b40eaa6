/**
 * A steady mix of KMS calls, so the metrics have something to show: data keys generated and
 * decrypted as an S3 server would for SSE-KMS objects, and now and then a request for a key that
 * does not exist.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import type { KMS } from '@kmskit/core';

/** Options of `runLoad`. */
export interface LoadOptions {
  /** Stops the load. */
  signal: AbortSignal;
  /** Calls per batch; a pause follows each batch. @default 20 */
  batchSize?: number;
  /** Pause between batches in milliseconds. @default 50 */
  pauseMs?: number;
}

/** The number of calls `runLoad` made, by kind of call. */
export interface LoadReport {
  generated: number;
  decrypted: number;
  /** Calls that failed as intended, for a key that does not exist. */
  missingKey: number;
}

/** Runs KMS calls until `signal` aborts, then returns the counts. */
export async function runLoad(kms: KMS, options: LoadOptions): Promise<LoadReport> {
  const batchSize = options.batchSize ?? 20;
  const pauseMs = options.pauseMs ?? 50;
  const report: LoadReport = { generated: 0, decrypted: 0, missingKey: 0 };

  for (let batch = 0; !options.signal.aborted; batch++) {
    for (let i = 0; i < batchSize; i++) {
      const context = { 'example-bucket': `example-bucket/object-${batch}-${i}` };
      const key = await kms.generateKey({ context });
      report.generated++;
      await kms.decrypt({ name: key.keyId, ciphertext: key.ciphertext, context });
      report.decrypted++;
      key.zero();
    }
    try {
      await kms.generateKey({ name: `missing-key-${batch % 5}` });
    } catch {
      report.missingKey++;
    }
    await sleep(pauseMs, undefined, { signal: options.signal }).catch(() => {});
  }
  return report;
}
