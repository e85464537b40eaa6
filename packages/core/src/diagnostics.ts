/**
 * The diagnostics channel on which every `KMS` call publishes one event when it ends. The
 * OpenTelemetry package subscribes to it; applications may too. Events carry no key names,
 * contexts, key material or error messages.
 */

import diagnosticsChannel from 'node:diagnostics_channel';
import type { EndpointAttempt } from './connector.js';
import type { KmsOperation } from './errors.js';
import type { CallOutcome } from './metrics.js';

/** Name of the channel that carries a `KmsCallEvent` for every finished call. */
export const KMS_CALL_CHANNEL = 'kmskit:kms:call';

/** The event the `KMS` client publishes when a call ends. */
export interface KmsCallEvent {
  /** The `id` of the `KMS` client that made the call. */
  clientId: string;
  /** The operation, such as `generateKey`. */
  operation: KmsOperation;
  /** The connector's `type`, such as `builtin`. */
  connectorType: string;
  /** The outcome of the call. */
  outcome: CallOutcome;
  /** The `KmsError` code when the call failed. */
  errorCode?: string;
  /** The HTTP status of the error when the call failed. */
  status?: number;
  /** When the call started, in milliseconds since the Unix epoch. */
  startTime: number;
  /** Wall time of the call in milliseconds. */
  durationMs: number;
  /** The endpoint attempts the connector reported, in order. */
  attempts: readonly EndpointAttempt[];
}

const kmsCallChannel = diagnosticsChannel.channel(KMS_CALL_CHANNEL);

/** Reports whether anyone listens, so the client builds events only when they are read. */
export function hasKmsCallSubscribers(): boolean {
  return kmsCallChannel.hasSubscribers;
}

/** Publishes one event on the channel. */
export function publishKmsCall(event: KmsCallEvent): void {
  kmsCallChannel.publish(event);
}

/**
 * Calls `listener` for every finished KMS call until the returned function is called. The listener
 * runs synchronously inside the call and must not throw: Node reports a subscriber's exception as
 * an uncaught exception on the next tick.
 */
export function subscribeKmsCalls(listener: (event: KmsCallEvent) => void): () => void {
  const handler = (message: unknown) => listener(message as KmsCallEvent);
  diagnosticsChannel.subscribe(KMS_CALL_CHANNEL, handler);
  return () => {
    diagnosticsChannel.unsubscribe(KMS_CALL_CHANNEL, handler);
  };
}
