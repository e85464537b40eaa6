export { KesApiKey, kesIdentity, parseKesApiKey } from './kes-api-key.js';
export { createKesClientCertificate, type KesClientCertificate } from './kes-certificate.js';
export {
  type KesApiRoute,
  type KesCallOptions,
  KesClient,
  type KesDataKey,
  type KesKeyInfo,
} from './kes-client.js';
export { createKesConnector, KES_CAPABILITIES, type KesConnector } from './kes-connector.js';
export { kesConnector } from './kes-definition.js';
export { kesOptionsFromEnv } from './kes-env.js';
export type { KesConnectorOptions } from './kes-options.js';
export { kesKeyPath, pathEscape } from './kes-wire.js';
