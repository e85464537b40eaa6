export { EXIT_CODES, UsageError } from './cli-errors.js';
export type { CliIo, CliStream } from './cli-io.js';
export { CLI_VERSION } from './cli-version.js';
export {
  CONFIG_DIR_VARIABLE,
  configDirectory,
  DEFAULT_KEY_NAME,
  defaultKeyFilePath,
} from './key-file.js';
export { createCliRegistry } from './kms-config.js';
export { runCli } from './run-cli.js';
