/**
 * The attributes that kmskit puts on metrics and spans. Each takes its value from a fixed set, so
 * the number of time series stays bounded however many keys, contexts or error messages an
 * application produces. Key names, contexts, client ids and error text are never attributes.
 */

import { KMS_OPERATIONS, type KmsCallEvent, type KmsErrorCode } from '@kmskit/core';
import type { Attributes } from '@opentelemetry/api';

/** Attribute naming the `KMS` operation, such as `generateKey`. */
export const ATTR_KMS_OPERATION = 'kmskit.kms.operation';
/** Attribute naming the connector type, such as `builtin`, `kes` or `minkms`. */
export const ATTR_KMS_CONNECTOR_TYPE = 'kmskit.kms.connector.type';
/** Attribute naming how the call ended: `success`, `error`, `failure` or `canceled`. */
export const ATTR_KMS_OUTCOME = 'kmskit.kms.outcome';
/**
 * Attribute naming the `KmsError` code of a call that did not succeed, such as `kms:KeyNotFound`.
 * Absent on successful calls.
 */
export const ATTR_KMS_ERROR_CODE = 'kmskit.kms.error.code';

/** The value that replaces anything outside an attribute's fixed set. */
export const OTHER_VALUE = 'other';

/**
 * Every `KmsError` code, as the keys of a record typed over `KmsErrorCode`, so that the type check
 * fails here when `@kmskit/core` adds a code.
 */
const ERROR_CODE_RECORD: Record<KmsErrorCode, true> = {
  'kms:KeyNotFound': true,
  'kms:KeyAlreadyExists': true,
  'kms:NotAuthorized': true,
  'kms:InvalidCiphertextException': true,
  'kms:NotSupported': true,
  'kms:KeyCreationFailed': true,
  'kms:KeyDeletionFailed': true,
  'kms:KeyListingFailed': true,
  'kms:KeyGenerationFailed': true,
  'kms:DecryptionFailed': true,
  'kms:MACFailed': true,
  'kms:InternalError': true,
  'kms:InvalidKeyName': true,
  'kms:InvalidContext': true,
  'kms:Timeout': true,
  'kms:Canceled': true,
  'kms:InvalidResponse': true,
  'kms:TLSError': true,
};

/** Every `KmsError` code that may appear as the value of `kmskit.kms.error.code`. */
export const KMS_ERROR_CODES: readonly KmsErrorCode[] = Object.freeze(
  Object.keys(ERROR_CODE_RECORD) as KmsErrorCode[],
);

const OUTCOMES: ReadonlySet<string> = new Set(['success', 'error', 'failure', 'canceled']);
const OPERATIONS: ReadonlySet<string> = new Set(KMS_OPERATIONS);
const ERROR_CODES: ReadonlySet<string> = new Set(KMS_ERROR_CODES);

/** Connector types look like package suffixes; anything else is reported as `other`. */
const CONNECTOR_TYPE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,31}$/;

/**
 * Maximum number of distinct connector types that one instrumentation reports; later types are
 * reported as `other`. Connector authors choose the types, and a process that generated types
 * would otherwise add series without end.
 */
export const MAX_CONNECTOR_TYPES = 16;

/** The bounded attributes of one call. */
export interface CallAttributes {
  operation: string;
  connectorType: string;
  outcome: string;
  /** `undefined` on success. */
  errorCode: string | undefined;
}

/** One attribute set, created on the first call that has it. */
export interface CallSeries {
  /** The bounded values. */
  call: CallAttributes;
  /** The same values as a frozen `Attributes` object, shared by every call of this set. */
  attributes: Attributes;
  /** A string that is equal exactly for equal attribute sets. */
  key: string;
}

/**
 * Maps events to bounded attribute sets and keeps one `CallSeries` per set, so the recording path
 * allocates no attribute object after the first call of each kind. The number of sets is bounded
 * by the product of the fixed value sets.
 */
export class AttributeCache {
  readonly #connectorTypes = new Set<string>();
  readonly #series = new Map<string, CallSeries>();
  /**
   * The series of events whose raw values are all valid, looked up by those raw values without
   * building a string: operation, then connector type, then outcome, then error code.
   */
  readonly #index = new Map<unknown, Map<unknown, Map<unknown, Map<unknown, CallSeries>>>>();

  /** Returns the series of `event`'s bounded attributes, creating it on first use. */
  seriesOf(event: KmsCallEvent): CallSeries {
    const indexed = this.#index
      .get(event.operation)
      ?.get(event.connectorType)
      ?.get(event.outcome)
      ?.get(event.errorCode);
    return indexed ?? this.#createSeries(event);
  }

  #createSeries(event: KmsCallEvent): CallSeries {
    const operation = boundedValue(event.operation, OPERATIONS);
    const connectorType = this.#boundConnectorType(event.connectorType);
    const outcome = boundedValue(event.outcome, OUTCOMES);
    const errorCode = outcome === 'success' ? undefined : boundErrorCode(event.errorCode);
    const key = `${operation}|${connectorType}|${outcome}|${errorCode ?? ''}`;

    let series = this.#series.get(key);
    if (series === undefined) {
      const call = { operation, connectorType, outcome, errorCode };
      series = { call, attributes: toAttributes(call), key };
      this.#series.set(key, series);
    }

    // Only raw values that are their own bounded value, or a missing error code, enter the index.
    // The index then stays as small as the set of series.
    const valid =
      operation === event.operation &&
      connectorType === event.connectorType &&
      outcome === event.outcome &&
      (errorCode === event.errorCode || event.errorCode === undefined);
    if (valid) {
      nested(nested(nested(this.#index, operation), connectorType), outcome).set(
        event.errorCode,
        series,
      );
    }
    return series;
  }

  #boundConnectorType(type: unknown): string {
    if (typeof type !== 'string' || !CONNECTOR_TYPE_PATTERN.test(type)) return OTHER_VALUE;
    if (this.#connectorTypes.has(type)) return type;
    if (this.#connectorTypes.size >= MAX_CONNECTOR_TYPES) return OTHER_VALUE;
    this.#connectorTypes.add(type);
    return type;
  }
}

function nested<V>(map: Map<unknown, Map<unknown, V>>, key: unknown): Map<unknown, V> {
  let inner = map.get(key);
  if (inner === undefined) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

/** Returns `code` when it is a known `KmsError` code, else `other`. */
export function boundErrorCode(code: unknown): string {
  return boundedValue(code, ERROR_CODES);
}

function toAttributes(call: CallAttributes): Attributes {
  const attributes: Attributes = {
    [ATTR_KMS_OPERATION]: call.operation,
    [ATTR_KMS_CONNECTOR_TYPE]: call.connectorType,
    [ATTR_KMS_OUTCOME]: call.outcome,
  };
  if (call.errorCode !== undefined) attributes[ATTR_KMS_ERROR_CODE] = call.errorCode;
  return Object.freeze(attributes);
}

function boundedValue(value: unknown, allowed: ReadonlySet<string>): string {
  return typeof value === 'string' && allowed.has(value) ? value : OTHER_VALUE;
}
