export {
  createDirConnector,
  DIR_CAPABILITIES,
  DirConnector,
  type DirConnectorOptions,
} from './dir-connector.js';
export {
  DIR_DEFAULT_KEY_VARIABLE,
  DIR_KEYS_VARIABLE,
  type DirConnectorDefinition,
  dirConnector,
} from './dir-definition.js';
export { assertDirKeyName, MAX_NAME_BYTES } from './key-names.js';
