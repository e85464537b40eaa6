/**
 * The `Connector` contract: what a KMS back end implements so that the `KMS` client can use it.
 * The client validates inputs, applies the default key, encodes the context, checks results,
 * measures every call and turns stray errors into `KmsError`s; a connector only talks to its
 * back end.
 */

/** Options passed to every connector operation. */
export interface OperationOptions {
  /** Aborted when the caller cancels or the client's deadline passes. Always present. */
  signal: AbortSignal;
  /**
   * Records one attempt against one endpoint, for diagnostics events and tracing. Connectors
   * with endpoints call it once per attempt; local connectors may skip it.
   */
  reportAttempt?(attempt: EndpointAttempt): void;
}

/** One request to one endpoint, as reported in diagnostics events. */
export interface EndpointAttempt {
  /** The endpoint, such as `https://127.0.0.1:7373`. Never carries credentials. */
  endpoint: string;
  /** `success`, `error` for an answer that ended the call, `failure` for a fault that moved on. */
  outcome: 'success' | 'error' | 'failure';
  /** The HTTP status, when the endpoint answered. */
  status?: number;
  /** The `KmsError` code of the failure, when there was one. */
  errorCode?: string;
  /** Wall time of the attempt in milliseconds. */
  durationMs: number;
}

/** What a connector can do. The conformance suite decides from it which cases apply. */
export interface ConnectorCapabilities {
  /** `createKey` creates new keys. */
  createKey: boolean;
  /** `deleteKey` removes keys. */
  deleteKey: boolean;
  /** `listKeys` lists keys. */
  listKeys: boolean;
  /** `mac` computes HMAC-SHA256 with a key. */
  mac: boolean;
  /** Keys have versions and `DataKey.version` is meaningful. */
  keyVersions: boolean;
  /**
   * What `deleteKey` does for a key that does not exist: `succeeds` (KES) or `fails` with
   * `kms:KeyNotFound`.
   */
  deleteMissingKey: 'succeeds' | 'fails';
}

/** A data key as a connector returns it; the client checks it and wraps it in a `DataKey`. */
export interface GeneratedKey {
  /** 32 random bytes. */
  plaintext: Uint8Array;
  /** The plaintext encrypted under the master key, opaque to the caller. */
  ciphertext: Uint8Array;
  /** The master key version that encrypted it (MinKMS); omitted or 0 otherwise. */
  version?: number;
}

/** One page of key names. */
export interface KeyListPage {
  /** Names in ascending order of their UTF-8 bytes. */
  names: string[];
  /** Where the next page starts, or `''` when this page is the last. */
  continueAt: string;
}

/** The state of one endpoint. */
export interface EndpointStatus {
  /** The endpoint as configured. */
  endpoint: string;
  /** `online`, `offline`, or `unauthorized` when it answered but rejected our identity. */
  state: 'online' | 'offline' | 'unauthorized';
  /** Round-trip time of the probe in milliseconds, when it answered. */
  latencyMs?: number;
  /** The server version, when it reported one. */
  version?: string;
  /** Why the endpoint is not online, without secrets. */
  error?: string;
}

/** Version information of the KMS. */
export interface VersionInfo {
  /** The server's version string, such as `v0.22.3` or `2024-01-01T00-00-00Z`. */
  version: string;
  /** The server's commit id, when it reports one. */
  commit?: string;
  /** The endpoint that answered, for remote connectors. */
  endpoint?: string;
}

/**
 * A KMS back end. Implementations take the associated data already encoded (see
 * `encodeContext`) and throw `KmsError`s for every failure they understand.
 */
export interface Connector {
  /** The version of this contract. Only `'v1'` exists. */
  readonly specificationVersion: 'v1';
  /** A short identifier such as `builtin`, `kes` or `minkms`, used in metrics and events. */
  readonly type: string;
  /** What the connector supports. */
  readonly capabilities: ConnectorCapabilities;
  /** The key that `generateKey` and `mac` use when the caller names none. */
  readonly defaultKeyId?: string;

  createKey(request: { name: string }, options: OperationOptions): Promise<void>;
  deleteKey(request: { name: string }, options: OperationOptions): Promise<void>;
  /**
   * Lists key names that start with `prefix` (`''` lists all) and are not before `continueAt`,
   * at most `limit` of them when `limit` is above 0.
   */
  listKeys(
    request: { prefix: string; continueAt: string; limit: number },
    options: OperationOptions,
  ): Promise<KeyListPage>;
  generateKey(
    request: { name: string; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<GeneratedKey>;
  /** Decrypts a data key. `version` is the key version the caller passed, else 0. */
  decrypt(
    request: { name: string; version: number; ciphertext: Uint8Array; associatedData: Uint8Array },
    options: OperationOptions,
  ): Promise<Uint8Array>;
  /** Computes HMAC-SHA256 of `message` with the named key. */
  mac(
    request: { name: string; message: Uint8Array },
    options: OperationOptions,
  ): Promise<Uint8Array>;
  version(options: OperationOptions): Promise<VersionInfo>;
  status(options: OperationOptions): Promise<EndpointStatus[]>;
  /** Releases sockets and timers. Optional. */
  close?(): Promise<void>;
}
