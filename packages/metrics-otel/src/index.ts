export {
  ATTR_KMS_CONNECTOR_TYPE,
  ATTR_KMS_ERROR_CODE,
  ATTR_KMS_OPERATION,
  ATTR_KMS_OUTCOME,
  KMS_ERROR_CODES,
  MAX_CONNECTOR_TYPES,
  OTHER_VALUE,
} from './attributes.js';
export {
  type InstrumentKmsOptions,
  instrumentKms,
  type KmsInstrumentation,
} from './instrument-kms.js';
export {
  KMS_DURATION_BUCKETS_SECONDS,
  KMS_REQUEST_DURATION_METRIC,
  KMS_REQUESTS_METRIC,
} from './kms-metrics.js';
export {
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_KMS_ATTEMPT_DURATION,
  ATTR_KMS_ENDPOINT,
  KMS_ATTEMPT_EVENT,
} from './kms-tracing.js';
export { INSTRUMENTATION_SCOPE, PACKAGE_VERSION } from './version.js';
