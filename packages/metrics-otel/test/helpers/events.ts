/** Publishes synthetic KMS call events on the diagnostics channel, for exact durations and odd values. */

import { type KmsCallEvent, kmsCallChannel } from '@kmskit/core';

export function publishCall(fields: Partial<KmsCallEvent> = {}): void {
  const event: KmsCallEvent = {
    clientId: 'synthetic',
    operation: 'generateKey',
    connectorType: 'builtin',
    outcome: 'success',
    startTime: Date.now(),
    durationMs: 1,
    attempts: [],
    ...fields,
  };
  kmsCallChannel.publish(event);
}
