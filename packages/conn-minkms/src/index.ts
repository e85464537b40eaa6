export {
  MinkmsApiKey,
  type MinkmsKeyAlgorithm,
  minkmsIdentity,
  parseMinkmsApiKey,
  parseMinkmsIdentity,
} from './minkms-api-key.js';
export { createMinkmsConnector, MinkmsConnector } from './minkms-connector.js';
export { minkmsConnector } from './minkms-definition.js';
export { MINKMS_CAPATH_VARIABLE, minkmsOptionsFromEnv } from './minkms-env.js';
export type { MinkmsConnectorOptions } from './minkms-options.js';
export {
  commandUrl as minkmsCommandUrl,
  decodeFrames as decodeMinkmsFrames,
  encodeFrames as encodeMinkmsFrames,
  MINKMS_COMMANDS,
  type MinkmsCommandName,
  type MinkmsFrame,
  MinkmsFrameError,
  normalizeEndpoint as normalizeMinkmsEndpoint,
  versionUrl as minkmsVersionUrl,
} from './minkms-wire.js';
