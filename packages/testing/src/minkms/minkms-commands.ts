/** Runs the framed commands of a `POST /v1/kms/<enclave>` body against the key store. */

import { randomBytes } from 'node:crypto';
import {
  create,
  type DescMessage,
  fromBinary,
  type MessageShape,
  toBinary,
} from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  CreateKeyRequestSchema,
  DecryptRequestSchema,
  DecryptResponseSchema,
  DeleteKeyRequestSchema,
  EncryptRequestSchema,
  EncryptResponseSchema,
  GenerateKeyRequestSchema,
  GenerateKeyResponseSchema,
  ImportKeyRequestSchema,
  KeyStatusRequestSchema,
  KeyStatusResponseSchema,
  ListKeysResponseSchema,
  ListRequestSchema,
  MACRequestSchema,
  MACResponseSchema,
} from './gen/minio/kms/v1/kms_pb.js';
import { type Frame, MINKMS_SERVER_COMMANDS } from './minkms-frames.js';
import {
  MINKMS_ERRORS,
  type MinkmsKeyStore,
  type MinkmsKeyVersion,
  MinkmsServerError,
} from './minkms-store.js';

/** The commands and enclaves an identity may use. */
export interface MinkmsPolicy {
  /** Command ids it may run, or `all`. */
  commands: ReadonlySet<number> | 'all';
  /** Enclaves it may use, or `all`. */
  enclaves: ReadonlySet<string> | 'all';
}

/** The sender and target enclave of a command body. */
export interface CommandContext {
  store: MinkmsKeyStore;
  enclave: string;
  identity: string;
  policy: MinkmsPolicy | undefined;
  /** Largest page of KEY:LIST. */
  listLimit: number;
}

/** Maximum data key length of KEY:GENERATE, in bytes. */
const MAX_GENERATE_LENGTH = 1024;
const KEY_TYPE = 'AES256';
const NAME = /^[0-9A-Za-z_-]{1,80}$/;

/**
 * Runs the frames in order and returns one response frame per request frame.
 *
 * @throws {MinkmsServerError} for the first command that fails; the whole body then fails.
 */
export function runCommands(frames: readonly Frame[], context: CommandContext): Frame[] {
  if (frames.length === 0) throw new MinkmsServerError(400, 'invalid request: empty body');
  return frames.map((frame) => {
    authorize(frame.command, context);
    return { command: frame.command, message: runCommand(frame, context) };
  });
}

function authorize(command: number, context: CommandContext): void {
  const { policy } = context;
  const allowed =
    policy !== undefined &&
    (policy.commands === 'all' || policy.commands.has(command)) &&
    (policy.enclaves === 'all' || policy.enclaves.has(context.enclave));
  if (!allowed) throw new MinkmsServerError(403, MINKMS_ERRORS.permission);
}

function runCommand(frame: Frame, context: CommandContext): Uint8Array {
  const { store, enclave, identity } = context;
  switch (frame.command) {
    case MINKMS_SERVER_COMMANDS['KEY:CREATE']: {
      const request = decode(CreateKeyRequestSchema, frame.message);
      checkName(request.name);
      checkType(request.type);
      store.createKey(enclave, request.name, {
        addVersion: request.addVersion,
        createdBy: identity,
      });
      return new Uint8Array(0);
    }
    case MINKMS_SERVER_COMMANDS['KEY:IMPORT']: {
      const request = decode(ImportKeyRequestSchema, frame.message);
      checkName(request.name);
      checkType(request.type);
      store.createKey(enclave, request.name, { key: request.key, createdBy: identity });
      return new Uint8Array(0);
    }
    case MINKMS_SERVER_COMMANDS['KEY:DELETE']: {
      const request = decode(DeleteKeyRequestSchema, frame.message);
      store.deleteKey(enclave, request.name, {
        version: request.version,
        allVersions: request.allVersions,
      });
      return new Uint8Array(0);
    }
    case MINKMS_SERVER_COMMANDS['KEY:STATUS']: {
      const request = decode(KeyStatusRequestSchema, frame.message);
      const version = store.keyVersion(enclave, request.name, request.version);
      return toBinary(KeyStatusResponseSchema, keyStatus(request.name, version));
    }
    case MINKMS_SERVER_COMMANDS['KEY:ENCRYPT']: {
      const request = decode(EncryptRequestSchema, frame.message);
      const result = store.encrypt(
        enclave,
        request.name,
        request.version,
        request.plaintext,
        request.associatedData,
      );
      return toBinary(EncryptResponseSchema, create(EncryptResponseSchema, result));
    }
    case MINKMS_SERVER_COMMANDS['KEY:GENERATE']: {
      const request = decode(GenerateKeyRequestSchema, frame.message);
      const length = request.length === 0 ? 32 : request.length;
      if (length > MAX_GENERATE_LENGTH) {
        throw new MinkmsServerError(
          400,
          `invalid request: length ${length} exceeds ${MAX_GENERATE_LENGTH}`,
        );
      }
      const plaintext = randomBytes(length);
      const result = store.encrypt(
        enclave,
        request.name,
        request.version,
        plaintext,
        request.associatedData,
      );
      return toBinary(
        GenerateKeyResponseSchema,
        create(GenerateKeyResponseSchema, { ...result, plaintext }),
      );
    }
    case MINKMS_SERVER_COMMANDS['KEY:DECRYPT']: {
      const request = decode(DecryptRequestSchema, frame.message);
      const plaintext = store.decrypt(
        enclave,
        request.name,
        request.version,
        request.ciphertext,
        request.associatedData,
      );
      return toBinary(DecryptResponseSchema, create(DecryptResponseSchema, { plaintext }));
    }
    case MINKMS_SERVER_COMMANDS['KEY:LIST']: {
      const request = decode(ListRequestSchema, frame.message);
      const limit =
        request.limit === 0 ? context.listLimit : Math.min(request.limit, context.listLimit);
      const page = store.list(enclave, request.prefix, request.continueAt, limit);
      return toBinary(
        ListKeysResponseSchema,
        create(ListKeysResponseSchema, {
          keys: page.keys.map((key) => keyStatus(key.name, key.latest)),
          continueAt: page.continueAt,
        }),
      );
    }
    case MINKMS_SERVER_COMMANDS['KEY:MAC']: {
      const request = decode(MACRequestSchema, frame.message);
      const result = store.mac(enclave, request.name, request.version, request.message);
      return toBinary(MACResponseSchema, create(MACResponseSchema, result));
    }
    default:
      throw new MinkmsServerError(
        501,
        `command ${frame.command} is not implemented by the kmskit test server`,
      );
  }
}

function keyStatus(name: string, version: MinkmsKeyVersion) {
  return create(KeyStatusResponseSchema, {
    name,
    version: version.version,
    type: KEY_TYPE,
    createdAt: timestampFromDate(version.createdAt),
    createdBy: version.createdBy,
  });
}

function decode<Desc extends DescMessage>(schema: Desc, message: Uint8Array): MessageShape<Desc> {
  try {
    return fromBinary(schema, message);
  } catch (cause) {
    throw new MinkmsServerError(400, `invalid request: ${(cause as Error).message}`);
  }
}

function checkName(name: string): void {
  if (!NAME.test(name))
    throw new MinkmsServerError(400, `invalid key name ${JSON.stringify(name)}`);
}

function checkType(type: string): void {
  if (type !== '' && type !== KEY_TYPE) {
    throw new MinkmsServerError(
      400,
      `invalid key type ${JSON.stringify(type)}: the test server supports AES256`,
    );
  }
}
