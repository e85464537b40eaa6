/** Publishes synthetic KMS call events on the diagnostics channel, for exact durations and odd values. */

import diagnosticsChannel from 'node:diagnostics_channel';
import { KMS_CALL_CHANNEL, type KmsCallEvent } from '@kmskit/core';

const kmsCallChannel = diagnosticsChannel.channel(KMS_CALL_CHANNEL);

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
