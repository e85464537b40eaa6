/**
 * The builtin connector: one static 256-bit master key, as MinIO's `MINIO_KMS_SECRET_KEY`. It
 * reads and writes MinIO's ciphertexts, so data keys move freely between MinIO and kmskit.
 */

import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import {
  type Connector,
  type ConnectorCapabilities,
  type EndpointStatus,
  type GeneratedKey,
  KeyExistsError,
  type KeyListPage,
  KeyNotFoundError,
  NotSupportedError,
  type OperationOptions,
  type VersionInfo,
} from '@kmskit/core';
import {
  hmacSha256,
  IV_LENGTH,
  NONCE_LENGTH,
  openCiphertext,
  sealCurrentFormat,
} from './builtin-ciphertext.js';
import { parseSecretKey, SECRET_KEY_LENGTH } from './secret-key.js';

/**
 * Options of `createBuiltinConnector`: either the MinIO text form, or the name and key bytes.
 */
export type BuiltinConnectorOptions =
  | {
      /** `<key name>:<base64 of 32 bytes>`, as in `MINIO_KMS_SECRET_KEY`. */
      secretKey: string;
    }
  | {
      /** The key name, which must not be empty. */
      keyName: string;
      /** The 32 key bytes. They are copied, so the caller may zero its array afterwards. */
      key: Uint8Array;
    };

/** Capabilities of the builtin connector. */
export const BUILTIN_CAPABILITIES: Readonly<ConnectorCapabilities> = Object.freeze({
  createKey: false,
  deleteKey: false,
  listKeys: true,
  mac: true,
  keyVersions: false,
  deleteMissingKey: 'fails',
});

/** Length of a generated data key in bytes. */
const DATA_KEY_LENGTH = 32;
/** MinIO's builtin KMS reports itself as version `v1` and as one endpoint, the local host. */
const BUILTIN_VERSION = 'v1';
const BUILTIN_ENDPOINT = '127.0.0.1';
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Creates a builtin connector over one static key.
 *
 * It behaves as MinIO's builtin KMS. Creating the configured key fails with `KeyExistsError`.
 * Creating any other key and deleting any key fail with `NotSupportedError`. Listing returns the
 * one name when it starts with both `prefix` and `continueAt`. Generating or decrypting under
 * another name fails with `KeyNotFoundError`. `mac` computes HMAC-SHA256 with the master key and,
 * as MinIO does, does not check the key name.
 *
 * @throws {TypeError} when the options are malformed, the key is not 32 bytes or the name is
 *   empty (kmskit rejects empty key names, so such a key could never be used).
 * @example
 * const connector = createBuiltinConnector({ secretKey: process.env.MINIO_KMS_SECRET_KEY });
 * const kms = createKMS({ connector });
 */
export function createBuiltinConnector(options: BuiltinConnectorOptions): BuiltinConnector {
  return new BuiltinConnector(options);
}

/** A connector over one static master key. Create it with `createBuiltinConnector`. */
export class BuiltinConnector implements Connector {
  readonly specificationVersion = 'v1' as const;
  readonly type = 'builtin';
  readonly capabilities = BUILTIN_CAPABILITIES;
  /** The configured key name, which is also the default key. */
  readonly defaultKeyId: string;
  readonly #masterKey: KeyObject;

  constructor(options: BuiltinConnectorOptions) {
    const { keyName, key, owned } = readOptions(options);
    this.defaultKeyId = keyName;
    const copy = Buffer.from(key);
    this.#masterKey = createSecretKey(copy);
    copy.fill(0);
    if (owned) key.fill(0);
  }

  /** The configured key name. */
  get keyName(): string {
    return this.defaultKeyId;
  }

  async createKey(request: { name: string }, _options: OperationOptions): Promise<void> {
    if (request.name === this.keyName) throw new KeyExistsError(request.name);
    throw new NotSupportedError(
      `cannot create key '${request.name}': the builtin KMS has only its static key '${this.keyName}' and cannot create keys; use a KES or MinIO KMS connector to manage keys`,
    );
  }

  async deleteKey(request: { name: string }, _options: OperationOptions): Promise<void> {
    throw new NotSupportedError(
      `cannot delete key '${request.name}': the builtin KMS has only its static key '${this.keyName}' and cannot delete keys; change the configured key instead`,
    );
  }

  async listKeys(
    request: { prefix: string; continueAt: string; limit: number },
    _options: OperationOptions,
  ): Promise<KeyListPage> {
    // MinIO lists the key when its name starts with both the prefix and the continue-at value,
    // and never returns a continuation. One name always fits a limit of 1 or more.
    const listed =
      this.keyName.startsWith(request.prefix) && this.keyName.startsWith(request.continueAt);
    return { names: listed ? [this.keyName] : [], continueAt: '' };
  }

  async generateKey(
    request: { name: string; associatedData: Uint8Array },
    _options: OperationOptions,
  ): Promise<GeneratedKey> {
    this.#requireKey(request.name);
    const random = randomBytes(DATA_KEY_LENGTH + IV_LENGTH + NONCE_LENGTH);
    const plaintext = new Uint8Array(random.subarray(0, DATA_KEY_LENGTH));
    const iv = random.subarray(DATA_KEY_LENGTH, DATA_KEY_LENGTH + IV_LENGTH);
    const nonce = random.subarray(DATA_KEY_LENGTH + IV_LENGTH);
    const ciphertext = sealCurrentFormat(
      this.#masterKey,
      plaintext,
      request.associatedData,
      iv,
      nonce,
    );
    random.fill(0);
    return { plaintext, ciphertext };
  }

  async decrypt(
    request: { name: string; version: number; ciphertext: Uint8Array; associatedData: Uint8Array },
    _options: OperationOptions,
  ): Promise<Uint8Array> {
    this.#requireKey(request.name);
    return openCiphertext(
      this.#masterKey,
      request.ciphertext,
      request.associatedData,
      request.name,
    );
  }

  /**
   * Computes HMAC-SHA256 of the message with the master key. The name is not checked, as in
   * MinIO, whose root credentials are derived this way.
   */
  async mac(
    request: { name: string; message: Uint8Array },
    _options: OperationOptions,
  ): Promise<Uint8Array> {
    return hmacSha256(this.#masterKey, request.message);
  }

  async version(_options: OperationOptions): Promise<VersionInfo> {
    return { version: BUILTIN_VERSION };
  }

  async status(_options: OperationOptions): Promise<EndpointStatus[]> {
    return [{ endpoint: BUILTIN_ENDPOINT, state: 'online', version: BUILTIN_VERSION }];
  }

  toJSON(): { type: string; keyName: string } {
    return { type: this.type, keyName: this.keyName };
  }

  toString(): string {
    return `BuiltinConnector(keyName=${JSON.stringify(this.keyName)})`;
  }

  [INSPECT](): string {
    return this.toString();
  }

  #requireKey(name: string): void {
    if (name !== this.keyName) {
      throw new KeyNotFoundError(name, {
        message: `key '${name}' does not exist: the builtin KMS has only its static key '${this.keyName}'`,
      });
    }
  }
}

/** Reads the options; `owned` is true when the key bytes were decoded here and may be zeroed. */
function readOptions(options: BuiltinConnectorOptions): {
  keyName: string;
  key: Uint8Array;
  owned: boolean;
} {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      'createBuiltinConnector: options must be an object with `secretKey` or with `keyName` and `key`',
    );
  }
  if ('secretKey' in options && options.secretKey !== undefined) {
    const parsed = parseSecretKey(options.secretKey);
    requireName(parsed.keyName);
    return { keyName: parsed.keyName, key: parsed.key, owned: true };
  }
  const { keyName, key } = options as { keyName?: unknown; key?: unknown };
  if (typeof keyName !== 'string') {
    throw new TypeError(
      'createBuiltinConnector: option `keyName` must be a string, or pass `secretKey` as `<name>:<base64 key>`',
    );
  }
  requireName(keyName);
  if (!(key instanceof Uint8Array) || key.length !== SECRET_KEY_LENGTH) {
    const got = key instanceof Uint8Array ? `${key.length} bytes` : typeof key;
    throw new TypeError(
      `createBuiltinConnector: option \`key\` must be a Uint8Array of ${SECRET_KEY_LENGTH} bytes, got ${got}`,
    );
  }
  return { keyName, key, owned: false };
}

function requireName(keyName: string): void {
  if (keyName === '') {
    throw new TypeError(
      'createBuiltinConnector: the key name is empty: kmskit needs a name to address the key, so write the secret key as `<name>:<base64 key>`',
    );
  }
}
