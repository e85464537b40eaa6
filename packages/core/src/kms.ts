/**
 * The `KMS` client: what applications call. It checks inputs, applies the default key, encodes
 * the context, enforces the deadline and cancellation, checks every data key, keeps metrics and
 * publishes a diagnostics event per call. The connector behind it only talks to its back end.
 */

import { randomUUID } from 'node:crypto';
import type {
  Connector,
  EndpointAttempt,
  EndpointStatus,
  KeyListPage,
  OperationOptions,
  VersionInfo,
} from './connector.js';
import { type Context, encodeContext } from './context.js';
import { type Deadline, DeadlineScheduler } from './deadlines.js';
import { DataKey } from './dek.js';
import { hasKmsCallSubscribers, type KmsCallEvent, publishKmsCall } from './diagnostics.js';
import {
  CanceledError,
  InvalidCiphertextError,
  InvalidKeyNameError,
  InvalidResponseError,
  KmsError,
  type KmsOperation,
  KmsTimeoutError,
  operationFailed,
} from './errors.js';
import { type CallOutcome, MetricsRecorder, type MetricsSnapshot } from './metrics.js';

/** Options of `createKMS`. */
export interface KmsOptions {
  /** The back end. */
  connector: Connector;
  /** The key used by `generateKey` and `mac` when the caller names none. @default connector.defaultKeyId */
  defaultKeyId?: string;
  /**
   * Deadline of each call in milliseconds, after which it fails with `kms:Timeout`. 0 disables it.
   * @default 30000
   */
  timeoutMs?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Cancels the call; it then fails at once with `kms:Canceled`. */
  signal?: AbortSignal;
}

/** The status of the KMS and of each endpoint. */
export interface KmsStatus {
  /** The connector type. */
  type: string;
  /** The default key, or `''` when none is configured. */
  defaultKeyId: string;
  /** One entry per endpoint. */
  endpoints: EndpointStatus[];
}

const DATA_KEY_LENGTH = 32;
const MAX_UINT32 = 0xffffffff;

/**
 * Creates a `KMS` client over a connector.
 *
 * @throws {TypeError} when the connector does not implement the `v1` contract.
 * @example
 * const kms = createKMS({ connector: createBuiltinConnector({ secretKey }) });
 * const key = await kms.generateKey({ context: { bucket: 'bucket/object' } });
 */
export function createKMS(options: KmsOptions): KMS {
  return new KMS(options);
}

/** A KMS client. Create it with `createKMS` or a `ConnectorRegistry`. */
export class KMS {
  /** A random id that tags this client's diagnostics events. */
  readonly id: string = randomUUID();
  /** The connector's type. */
  readonly type: string;
  /** The default key, or `''`. */
  readonly defaultKeyId: string;
  readonly #connector: Connector;
  readonly #timeoutMs: number;
  readonly #metrics = new MetricsRecorder();
  readonly #deadlines = new DeadlineScheduler();

  constructor(options: KmsOptions) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError('createKMS: options must be an object with a `connector`');
    }
    assertConnector(options.connector);
    const timeoutMs = options.timeoutMs ?? 30_000;
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
      throw new RangeError(
        `createKMS: option \`timeoutMs\` must be 0 or a positive number of milliseconds, got ${timeoutMs}`,
      );
    }
    const defaultKeyId = options.defaultKeyId ?? options.connector.defaultKeyId ?? '';
    if (typeof defaultKeyId !== 'string') {
      throw new TypeError('createKMS: option `defaultKeyId` must be a string');
    }
    this.#connector = options.connector;
    this.#timeoutMs = timeoutMs;
    this.type = options.connector.type;
    this.defaultKeyId = defaultKeyId;
  }

  /** The connector's capabilities. */
  get capabilities(): Connector['capabilities'] {
    return this.#connector.capabilities;
  }

  /** Creates a master key. @throws {KeyExistsError} when it exists. */
  createKey(request: { name: string }, options: CallOptions = {}): Promise<void> {
    return this.#call('createKey', options, (operation) => {
      const name = requireName(request?.name, 'createKey');
      return this.#connector.createKey({ name }, operation);
    });
  }

  /** Deletes a master key. Data keys it encrypted can no longer be decrypted. */
  deleteKey(request: { name: string }, options: CallOptions = {}): Promise<void> {
    return this.#call('deleteKey', options, (operation) => {
      const name = requireName(request?.name, 'deleteKey');
      return this.#connector.deleteKey({ name }, operation);
    });
  }

  /**
   * Lists key names that start with `prefix` (`*` or `''` lists all), from `continueAt` on, at
   * most `limit` (0 means no limit).
   */
  listKeys(
    request: { prefix?: string; continueAt?: string; limit?: number } = {},
    options: CallOptions = {},
  ): Promise<KeyListPage> {
    return this.#call('listKeys', options, async (operation) => {
      const prefix = optionalString(request.prefix, 'prefix');
      const continueAt = optionalString(request.continueAt, 'continueAt');
      const limit = request.limit ?? 0;
      if (!Number.isInteger(limit) || limit < 0) {
        throw rangeError(`listKeys: \`limit\` must be a non-negative integer, got ${limit}`);
      }
      const page = await this.#connector.listKeys(
        { prefix: prefix === '*' ? '' : prefix, continueAt, limit },
        operation,
      );
      if (
        !page ||
        !Array.isArray(page.names) ||
        page.names.some((name) => typeof name !== 'string')
      ) {
        throw new InvalidResponseError(
          `listKeys: the ${this.type} connector returned no list of names`,
        );
      }
      return { names: page.names, continueAt: page.continueAt ?? '' };
    });
  }

  /**
   * Generates a data key under `name`, or under the default key when `name` is empty.
   *
   * @throws {InvalidResponseError} when the connector returns a plaintext that is not 32 bytes or
   *   an empty ciphertext.
   */
  generateKey(
    request: { name?: string; context?: Context } = {},
    options: CallOptions = {},
  ): Promise<DataKey> {
    return this.#call('generateKey', options, async (operation) => {
      const name = this.#nameOrDefault(request.name, 'generateKey');
      const associatedData = encodeContext(request.context);
      const key = await this.#connector.generateKey({ name, associatedData }, operation);
      if (
        !key ||
        !(key.plaintext instanceof Uint8Array) ||
        key.plaintext.length !== DATA_KEY_LENGTH
      ) {
        const length =
          key?.plaintext instanceof Uint8Array ? `${key.plaintext.length} bytes` : 'no bytes';
        throw new InvalidResponseError(
          `invalid data key for key '${name}': the KMS returned a plaintext of ${length}, expected ${DATA_KEY_LENGTH}`,
        );
      }
      if (!(key.ciphertext instanceof Uint8Array) || key.ciphertext.length === 0) {
        key.plaintext.fill(0);
        throw new InvalidResponseError(
          `invalid data key for key '${name}': the KMS returned an empty ciphertext`,
        );
      }
      const version = key.version ?? 0;
      return new DataKey({
        keyId: name,
        version,
        plaintext: key.plaintext,
        ciphertext: key.ciphertext,
      });
    });
  }

  /**
   * Decrypts a data key's ciphertext with the named key and the context it was generated with.
   * `version` is the key version to send (MinKMS); it defaults to 0.
   *
   * @throws {InvalidCiphertextError} when the ciphertext is malformed or not authentic.
   */
  decrypt(
    request: { name: string; ciphertext: Uint8Array; context?: Context; version?: number },
    options: CallOptions = {},
  ): Promise<Uint8Array> {
    return this.#call('decrypt', options, async (operation) => {
      const name = requireName(request?.name, 'decrypt');
      const ciphertext = requireBytes(request.ciphertext, 'decrypt', 'ciphertext');
      const version = request.version ?? 0;
      if (!Number.isInteger(version) || version < 0 || version > MAX_UINT32) {
        throw rangeError(
          `decrypt: \`version\` must be an integer from 0 to ${MAX_UINT32}, got ${version}`,
        );
      }
      if (ciphertext.length === 0) {
        throw new InvalidCiphertextError(`invalid ciphertext for key '${name}': it is empty`, {
          reason: 'malformed',
        });
      }
      const associatedData = encodeContext(request.context);
      const plaintext = await this.#connector.decrypt(
        { name, version, ciphertext, associatedData },
        operation,
      );
      if (!(plaintext instanceof Uint8Array)) {
        throw new InvalidResponseError(
          `decrypt: the ${this.type} connector returned no plaintext for key '${name}'`,
        );
      }
      return plaintext;
    });
  }

  /** Computes HMAC-SHA256 of `message` with `name`, or with the default key when `name` is empty. */
  mac(
    request: { name?: string; message: Uint8Array },
    options: CallOptions = {},
  ): Promise<Uint8Array> {
    return this.#call('mac', options, async (operation) => {
      const name = this.#nameOrDefault(request?.name, 'mac');
      const message = requireBytes(request.message, 'mac', 'message');
      const mac = await this.#connector.mac({ name, message }, operation);
      if (!(mac instanceof Uint8Array) || mac.length !== 32) {
        throw new InvalidResponseError(`invalid MAC for key '${name}': expected 32 bytes`);
      }
      return mac;
    });
  }

  /** Returns the KMS version. */
  version(options: CallOptions = {}): Promise<VersionInfo> {
    return this.#call('version', options, (operation) => this.#connector.version(operation));
  }

  /** Returns the state of every endpoint. Unreachable endpoints are `offline`, not errors. */
  status(options: CallOptions = {}): Promise<KmsStatus> {
    return this.#call('status', options, async (operation) => ({
      type: this.type,
      defaultKeyId: this.defaultKeyId,
      endpoints: await this.#connector.status(operation),
    }));
  }

  /** Returns a copy of the metrics kept since the client was created. */
  metrics(): MetricsSnapshot {
    return this.#metrics.snapshot();
  }

  /** Closes the connector's sockets and timers. */
  async close(): Promise<void> {
    await this.#connector.close?.();
  }

  toString(): string {
    return `KMS(type=${this.type}, defaultKeyId=${JSON.stringify(this.defaultKeyId)})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  #nameOrDefault(name: string | undefined, operation: KmsOperation): string {
    if (name === undefined || name === '') {
      if (this.defaultKeyId === '') {
        throw new InvalidKeyNameError(
          `${operation}: no key name given and no default key configured: pass \`name\` or set \`defaultKeyId\``,
        );
      }
      return this.defaultKeyId;
    }
    return requireName(name, operation);
  }

  async #call<T>(
    operation: KmsOperation,
    options: CallOptions,
    run: (options: OperationOptions) => Promise<T>,
  ): Promise<T> {
    const startTime = Date.now();
    const started = performance.now();
    const call = new CallState(operation, options?.signal);
    try {
      if (call.callerSignal !== undefined && !(call.callerSignal instanceof AbortSignal)) {
        throw optionError(
          `${operation}: \`signal\` must be an AbortSignal, got ${describe(call.callerSignal)}`,
        );
      }
      if (call.callerSignal?.aborted) {
        throw new CanceledError(`${operation} was canceled before it started`);
      }
      call.watchCaller();
      if (this.#timeoutMs > 0) {
        call.deadline = this.#deadlines.schedule(this.#timeoutMs, () =>
          call.abort(
            new KmsTimeoutError(
              `${operation} timed out after ${this.#timeoutMs} ms: raise \`timeoutMs\` or check the KMS endpoints`,
            ),
          ),
        );
      }
      const pending = run(call.operationOptions());
      const result = call.watching ? await call.guard(pending) : await pending;
      this.#finish(operation, 'success', startTime, started, call.attempts);
      return result;
    } catch (caught) {
      const error = this.#classify(operation, caught, call.reason);
      this.#finish(operation, outcomeOf(error), startTime, started, call.attempts, error);
      throw error;
    } finally {
      call.end();
    }
  }

  #classify(operation: KmsOperation, caught: unknown, abortReason: KmsError | undefined): unknown {
    if (abortReason) return abortReason;
    if (KmsError.isInstance(caught) || isOptionError(caught)) return caught;
    return operationFailed(operation, `the ${this.type} connector failed unexpectedly`, {
      cause: caught,
    });
  }

  #finish(
    operation: KmsOperation,
    outcome: CallOutcome,
    startTime: number,
    started: number,
    attempts: EndpointAttempt[],
    error?: unknown,
  ): void {
    const durationMs = performance.now() - started;
    this.#metrics.record(operation, outcome, durationMs);
    if (!hasKmsCallSubscribers()) return;
    const event: KmsCallEvent = {
      clientId: this.id,
      operation,
      connectorType: this.type,
      outcome,
      startTime,
      durationMs,
      attempts,
    };
    if (KmsError.isInstance(error)) {
      event.errorCode = error.code;
      event.status = error.status;
    }
    publishKmsCall(event);
  }
}

/**
 * The cancellation state of one call. The `AbortController` behind `signal` costs more than a
 * fast local operation, so it is created only when the connector reads `signal`.
 */
class CallState {
  readonly attempts: EndpointAttempt[] = [];
  deadline: Deadline | undefined;
  reason: KmsError | undefined;
  #controller: AbortController | undefined;
  #reject: ((error: KmsError) => void) | undefined;
  #removeListener: (() => void) | undefined;

  constructor(
    readonly operation: KmsOperation,
    readonly callerSignal: AbortSignal | undefined,
  ) {}

  /** Whether a caller signal or a deadline can end the call early. */
  get watching(): boolean {
    return this.callerSignal !== undefined || this.deadline !== undefined;
  }

  watchCaller(): void {
    const signal = this.callerSignal;
    if (!signal) return;
    const onAbort = () =>
      this.abort(
        new CanceledError(`${this.operation} was canceled by its AbortSignal`, {
          cause: signal.reason,
        }),
      );
    signal.addEventListener('abort', onAbort, { once: true });
    this.#removeListener = () => signal.removeEventListener('abort', onAbort);
  }

  operationOptions(): OperationOptions {
    const state = this;
    return {
      get signal(): AbortSignal {
        if (!state.#controller) {
          state.#controller = new AbortController();
          if (state.reason) state.#controller.abort(state.reason);
        }
        return state.#controller.signal;
      },
      reportAttempt: (attempt) => {
        state.attempts.push(attempt);
      },
    };
  }

  /** Returns `pending`'s result, or rejects as soon as the call is aborted. */
  guard<T>(pending: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#reject = reject;
      if (this.reason) reject(this.reason);
      pending.then(resolve, reject);
    });
  }

  abort(reason: KmsError): void {
    if (this.reason) return;
    this.reason = reason;
    this.#controller?.abort(reason);
    this.#reject?.(reason);
  }

  end(): void {
    this.deadline?.cancel();
    this.#removeListener?.();
  }
}

/** Bad arguments detected by the client itself; they pass through unchanged and count as errors. */
const argumentErrors = new WeakSet<Error>();

function optionError(message: string): TypeError {
  const error = new TypeError(message);
  argumentErrors.add(error);
  return error;
}

function rangeError(message: string): RangeError {
  const error = new RangeError(message);
  argumentErrors.add(error);
  return error;
}

function isOptionError(error: unknown): boolean {
  return error instanceof Error && argumentErrors.has(error);
}

function outcomeOf(error: unknown): CallOutcome {
  if (!KmsError.isInstance(error)) return isOptionError(error) ? 'error' : 'failure';
  if (error.code === 'kms:Canceled') return 'canceled';
  return error.status >= 500 ? 'failure' : 'error';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

function requireName(name: unknown, operation: KmsOperation): string {
  if (typeof name !== 'string') {
    throw optionError(
      `${operation}: \`name\` must be a string, got ${name === null ? 'null' : typeof name}`,
    );
  }
  if (name === '') {
    throw new InvalidKeyNameError(
      `${operation}: the key name is empty: pass the name of a KMS key`,
    );
  }
  return name;
}

function requireBytes(value: unknown, operation: KmsOperation, field: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw optionError(
      `${operation}: \`${field}\` must be a Uint8Array, got ${value === null ? 'null' : typeof value}`,
    );
  }
  return value;
}

function optionalString(value: unknown, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string')
    throw optionError(`listKeys: \`${field}\` must be a string, got ${typeof value}`);
  return value;
}

function assertConnector(connector: unknown): asserts connector is Connector {
  if (typeof connector !== 'object' || connector === null) {
    throw new TypeError('createKMS: option `connector` must be a Connector object');
  }
  const candidate = connector as Partial<Connector>;
  if (candidate.specificationVersion !== 'v1') {
    throw new TypeError(
      `createKMS: unsupported connector specificationVersion ${JSON.stringify(candidate.specificationVersion)}: this @kmskit/core implements 'v1'; upgrade @kmskit/core or the connector`,
    );
  }
  if (typeof candidate.type !== 'string' || candidate.type === '') {
    throw new TypeError('createKMS: the connector must have a non-empty string `type`');
  }
  for (const method of [
    'createKey',
    'deleteKey',
    'listKeys',
    'generateKey',
    'decrypt',
    'mac',
    'version',
    'status',
  ] as const) {
    if (typeof candidate[method] !== 'function') {
      throw new TypeError(
        `createKMS: the ${candidate.type} connector does not implement \`${method}\``,
      );
    }
  }
  if (typeof candidate.capabilities !== 'object' || candidate.capabilities === null) {
    throw new TypeError(`createKMS: the ${candidate.type} connector must declare \`capabilities\``);
  }
}
