export {
  BUILTIN_CAPABILITIES,
  BuiltinConnector,
  type BuiltinConnectorOptions,
  createBuiltinConnector,
} from './builtin-connector.js';
export {
  type BuiltinConnectorDefinition,
  builtinConnector,
  builtinOptionsFromEnv,
} from './builtin-definition.js';
export { type BuiltinSecretKey, parseSecretKey, SECRET_KEY_LENGTH } from './secret-key.js';
