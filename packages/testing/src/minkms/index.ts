export type {
  MinkmsFault,
  MinkmsFaultHandle,
  MinkmsFaultOptions,
} from './minkms-faults.js';
export { MINKMS_SERVER_COMMANDS, type MinkmsServerCommand } from './minkms-frames.js';
export type { MinkmsErrorFormat, MinkmsRecordedRequest } from './minkms-handler.js';
export {
  type MinkmsIdentityPolicy,
  type MinkmsServerOptions,
  type MinkmsTestServer,
  startMinkmsServer,
} from './minkms-server.js';
export { MinkmsKeyStore, type MinkmsKeyVersion, MinkmsServerError } from './minkms-store.js';
