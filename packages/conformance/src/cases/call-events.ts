/** Collects the diagnostics events of one `KMS` client. */

import { type KMS, type KmsCallEvent, subscribeKmsCalls } from '@kmskit/core';

/** A live list of finished calls and the function that stops recording. */
export interface CallRecorder {
  readonly events: KmsCallEvent[];
  stop(): void;
}

/** Records the calls `kms` finishes from now until `stop()`. */
export function recordCalls(kms: KMS): CallRecorder {
  const events: KmsCallEvent[] = [];
  const stop = subscribeKmsCalls((event) => {
    if (event.clientId === kms.id) events.push(event);
  });
  return { events, stop };
}
