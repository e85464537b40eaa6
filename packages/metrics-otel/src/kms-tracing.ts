/**
 * One span per KMS call, written after the call from its diagnostics event: the event carries the
 * start time and duration, so the span gets the call's real start and end. The span's parent is
 * the context active when the call ended. With a context manager registered, that is the caller's
 * context.
 */

import type { EndpointAttempt, KmsCallEvent } from '@kmskit/core';
import {
  type Attributes,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_KMS_ERROR_CODE,
  ATTR_KMS_OUTCOME,
  boundErrorCode,
  type CallAttributes,
  OTHER_VALUE,
} from './attributes.js';
import { INSTRUMENTATION_SCOPE, PACKAGE_VERSION } from './version.js';

/** Name of the span event added for each endpoint attempt. */
export const KMS_ATTEMPT_EVENT = 'kms.attempt';
/** Span event attribute naming the endpoint of an attempt, as scheme, host and port only. */
export const ATTR_KMS_ENDPOINT = 'kmskit.kms.endpoint';
/** Span event attribute holding the duration of an attempt in seconds. */
export const ATTR_KMS_ATTEMPT_DURATION = 'kmskit.kms.attempt.duration';
/** Span event attribute holding the HTTP status an endpoint returned (OpenTelemetry's name). */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';

const ATTEMPT_OUTCOMES: ReadonlySet<string> = new Set(['success', 'error', 'failure']);

/** Writes spans through the injected `TracerProvider` or the global one. */
export class KmsSpanWriter {
  readonly #injected: TracerProvider | undefined;
  #provider: TracerProvider | undefined;
  #tracer: Tracer | undefined;

  constructor(injected: TracerProvider | undefined) {
    this.#injected = injected;
  }

  /** Writes the span of one finished call. */
  write(event: KmsCallEvent, call: CallAttributes, attributes: Attributes): void {
    const durationMs = validDuration(event.durationMs);
    const startTime = Number.isFinite(event.startTime) ? event.startTime : Date.now() - durationMs;
    const endTime = startTime + durationMs;
    const span = this.#currentTracer().startSpan(`kms ${call.operation}`, {
      kind: SpanKind.CLIENT,
      startTime,
      attributes,
    });

    // NOTE: attempts carry only their durations, so each event is stamped at the call's start
    // plus the durations so far. Time spent between attempts is not counted, which stamps it early.
    if (Array.isArray(event.attempts)) {
      let attemptEnd = startTime;
      for (const attempt of event.attempts) {
        const attemptMs = validDuration(attempt?.durationMs);
        attemptEnd += attemptMs;
        span.addEvent(
          KMS_ATTEMPT_EVENT,
          attemptAttributes(attempt, attemptMs),
          Math.min(attemptEnd, endTime),
        );
      }
    }

    if (call.outcome === 'error' || call.outcome === 'failure' || call.outcome === OTHER_VALUE) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: call.errorCode ?? OTHER_VALUE });
    }
    span.end(endTime);
  }

  #currentTracer(): Tracer {
    const provider = this.#injected ?? trace.getTracerProvider();
    if (this.#tracer === undefined || provider !== this.#provider) {
      this.#tracer = provider.getTracer(INSTRUMENTATION_SCOPE, PACKAGE_VERSION);
      this.#provider = provider;
    }
    return this.#tracer;
  }
}

function attemptAttributes(attempt: EndpointAttempt, durationMs: number): Attributes {
  const outcome = attempt?.outcome;
  const attributes: Attributes = {
    [ATTR_KMS_ENDPOINT]: endpointOrigin(attempt?.endpoint),
    [ATTR_KMS_OUTCOME]:
      typeof outcome === 'string' && ATTEMPT_OUTCOMES.has(outcome) ? outcome : OTHER_VALUE,
    [ATTR_KMS_ATTEMPT_DURATION]: durationMs / 1000,
  };
  const status = attempt?.status;
  if (Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599) {
    attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = status;
  }
  if (attempt?.errorCode !== undefined) {
    attributes[ATTR_KMS_ERROR_CODE] = boundErrorCode(attempt.errorCode);
  }
  return attributes;
}

/** Returns a finite, non-negative duration, or 0. */
export function validDuration(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/**
 * Reduces an endpoint to `scheme://host:port`, dropping any user info, path or query, so that
 * nothing but the server's address reaches a span.
 */
function endpointOrigin(endpoint: unknown): string {
  if (typeof endpoint !== 'string') return OTHER_VALUE;
  try {
    const url = new URL(endpoint);
    return url.host === '' ? OTHER_VALUE : `${url.protocol}//${url.host}`;
  } catch {
    return OTHER_VALUE;
  }
}
