export { createKesApiKey, type KesTestApiKey } from './kes-credentials.js';
export type { KesFault, KesFaultHandle, KesFaultScope } from './kes-faults.js';
export type { KesRequestRecord } from './kes-handler.js';
export type { KesListenerState } from './kes-listener.js';
export type { KesPolicy } from './kes-policy.js';
export type { KesServerVersion } from './kes-routes.js';
export {
  type KesClientCredentials,
  type KesServerOptions,
  type KesTestServer,
  startKesServer,
} from './kes-server.js';
