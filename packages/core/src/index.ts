export type {
  Connector,
  ConnectorCapabilities,
  EndpointAttempt,
  EndpointStatus,
  GeneratedKey,
  KeyListPage,
  OperationOptions,
  VersionInfo,
} from './connector.js';
export { type Context, decodeContext, encodeContext, encodeContextEntries } from './context.js';
export {
  DataKey,
  type DataKeyFields,
  decodeDataKeyText,
  encodeDataKeyText,
  goJsonString,
} from './dek.js';
export {
  KMS_CALL_CHANNEL,
  type KmsCallEvent,
  subscribeKmsCalls,
} from './diagnostics.js';
export { equalBytes, fromBase64, fromBase64UrlRaw, toBase64, toBase64UrlRaw } from './encoding.js';
export {
  detectKmsKind,
  type Env,
  isPresent,
  KMS_ENV_VARIABLES,
  KMS_KIND_PACKAGES,
  KmsConfigurationError,
  type KmsKind,
  MAX_ENDPOINTS,
  parseEndpointList,
  readEnvSecret,
  requireEnv,
} from './env.js';
export {
  CanceledError,
  InvalidCiphertextError,
  InvalidContextError,
  InvalidKeyNameError,
  InvalidResponseError,
  KeyExistsError,
  KeyNotFoundError,
  KmsError,
  type KmsErrorCode,
  type KmsErrorOptions,
  type KmsOperation,
  KmsTimeoutError,
  KmsTlsError,
  NotAuthorizedError,
  NotSupportedError,
  operationFailed,
} from './errors.js';
export { type CallOptions, createKMS, KMS, type KmsOptions, type KmsStatus } from './kms.js';
export {
  type CallOutcome,
  KMS_OPERATIONS,
  LATENCY_BUCKETS_MS,
  latencyBucket,
  MetricsRecorder,
  type MetricsSnapshot,
  type OperationMetrics,
  toMinioMetricsJSON,
} from './metrics.js';
export { assertValidName, isValidName } from './names.js';
export {
  CONNECTOR_TYPE_VARIABLE,
  type ConnectorDefinition,
  ConnectorRegistry,
  createConnectorRegistry,
  type RegistryKmsOptions,
} from './registry.js';
