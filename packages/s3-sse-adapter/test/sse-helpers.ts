import { createHash } from 'node:crypto';
import { createBuiltinConnector } from '@kmskit/conn-builtin';
import { type Connector, createKMS, type GeneratedKey, type KMS } from '@kmskit/core';
import { type DareCipher, S3Error, type S3ErrorReason } from '../src/index.js';
import vectorFile from './fixtures/sse-vectors.json' with { type: 'json' };

/** One vector of the fixture file; fields depend on `kind`. */
export interface SseVector {
  name: string;
  kind: string;
  // biome-ignore lint/suspicious/noExplicitAny: vector fields vary by kind
  inputs: any;
  // biome-ignore lint/suspicious/noExplicitAny: vector fields vary by kind
  expected: any;
  // biome-ignore lint/suspicious/noExplicitAny: only some vectors differ from MinIO on purpose
  kmskit_expected?: any;
}

/** Returns the vectors of `kind`. */
export function sseVectors(kind: string): SseVector[] {
  return (vectorFile.vectors as SseVector[]).filter((vector) => vector.kind === kind);
}

/** Returns the vector called `name`. */
export function sseVector(name: string): SseVector {
  const vector = (vectorFile.vectors as SseVector[]).find((candidate) => candidate.name === name);
  if (!vector) throw new Error(`no vector ${name}`);
  return vector;
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Maps the vectors' cipher names to the DARE module's. */
export function cipherOf(name: string): DareCipher {
  if (name === 'AES_256_GCM') return 'AES-256-GCM';
  if (name === 'CHACHA20_POLY1305') return 'ChaCha20-Poly1305';
  throw new Error(`unknown cipher ${name}`);
}

/** MinIO's error variable names in the vectors, mapped to the adapter's `S3Error` reasons. */
export const REASON_OF: Record<string, S3ErrorReason> = {
  ErrInvalidEncryptionMethod: 'InvalidEncryptionMethod',
  ErrInvalidCustomerAlgorithm: 'InvalidCustomerAlgorithm',
  ErrMissingCustomerKey: 'MissingCustomerKey',
  ErrMissingCustomerKeyMD5: 'MissingCustomerKeyMD5',
  ErrInvalidCustomerKey: 'InvalidCustomerKey',
  ErrCustomerKeyMD5Mismatch: 'CustomerKeyMD5Mismatch',
  ErrSecretKeyMismatch: 'SecretKeyMismatch',
  errMissingInternalSealAlgorithm: 'EncryptionMetadata',
  errEncryptedObject: 'EncryptedObject',
  errInvalidEncryptionParameters: 'InvalidEncryptionParameters',
  errObjectTampered: 'ObjectTampered',
};

/** Runs `action` and returns the `S3Error` it throws; fails the test when it throws nothing else. */
export function catchS3Error(action: () => unknown): S3Error {
  try {
    action();
  } catch (error) {
    if (S3Error.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an S3Error, but nothing was thrown');
}

/** Awaits `action` and returns the `S3Error` it rejects with. */
export async function rejectS3Error(action: Promise<unknown>): Promise<S3Error> {
  try {
    await action;
  } catch (error) {
    if (S3Error.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an S3Error, but the promise resolved');
}

/** The builtin KMS key of MinIO's tests and of the generated end-to-end vectors. */
export const BUILTIN_SECRET_KEY = 'my-key:eEm+JI9/q4JhH8QwKvf3LKo4DEBl6QbfvAl1CAbMIv8=';

/** A KMS over the builtin connector with the vectors' key. */
export function builtinKms(secretKey = BUILTIN_SECRET_KEY): KMS {
  return createKMS({ connector: createBuiltinConnector({ secretKey }) });
}

/**
 * A KMS whose `generateKey` returns fixed key material (a generated vector's data key), so that a
 * PUT reproduces MinIO's stored bytes; `decrypt` is the builtin connector's.
 */
export function fixedDataKeyKms(key: GeneratedKey, secretKey = BUILTIN_SECRET_KEY): KMS {
  const builtin = createBuiltinConnector({ secretKey });
  const connector: Connector = {
    specificationVersion: 'v1',
    type: 'fixed',
    defaultKeyId: builtin.defaultKeyId,
    capabilities: builtin.capabilities,
    createKey: (request, options) => builtin.createKey(request, options),
    deleteKey: (request, options) => builtin.deleteKey(request, options),
    listKeys: (request, options) => builtin.listKeys(request, options),
    generateKey: async () => ({
      plaintext: key.plaintext.slice(),
      ciphertext: key.ciphertext.slice(),
    }),
    decrypt: (request, options) => builtin.decrypt(request, options),
    mac: (request, options) => builtin.mac(request, options),
    version: (options) => builtin.version(options),
    status: (options) => builtin.status(options),
  };
  return createKMS({ connector });
}

/** One KMS call seen by `recordingKms`. */
export interface RecordedKmsCall {
  operation: 'generateKey' | 'decrypt';
  name: string;
  /** The associated data the connector received: the canonical context JSON. */
  context: string;
}

/** A builtin KMS that records the key name and context of every data key call. */
export function recordingKms(secretKey = BUILTIN_SECRET_KEY): {
  kms: KMS;
  calls: RecordedKmsCall[];
} {
  const builtin = createBuiltinConnector({ secretKey });
  const calls: RecordedKmsCall[] = [];
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const connector: Connector = {
    specificationVersion: 'v1',
    type: 'recording',
    defaultKeyId: builtin.defaultKeyId,
    capabilities: builtin.capabilities,
    createKey: (request, options) => builtin.createKey(request, options),
    deleteKey: (request, options) => builtin.deleteKey(request, options),
    listKeys: (request, options) => builtin.listKeys(request, options),
    generateKey: (request, options) => {
      calls.push({
        operation: 'generateKey',
        name: request.name,
        context: text(request.associatedData),
      });
      return builtin.generateKey(request, options);
    },
    decrypt: (request, options) => {
      calls.push({
        operation: 'decrypt',
        name: request.name,
        context: text(request.associatedData),
      });
      return builtin.decrypt(request, options);
    },
    mac: (request, options) => builtin.mac(request, options),
    version: (options) => builtin.version(options),
    status: (options) => builtin.status(options),
  };
  return { kms: createKMS({ connector }), calls };
}

/** Returns SSE-C request headers for `key` (or the copy-source headers with `copy`). */
export function customerKeyHeaders(key: Uint8Array, copy = false): Record<string, string> {
  const prefix = copy ? 'X-Amz-Copy-Source-Server-Side-Encryption' : 'X-Amz-Server-Side-Encryption';
  return {
    [`${prefix}-Customer-Algorithm`]: 'AES256',
    [`${prefix}-Customer-Key`]: toBase64(key),
    [`${prefix}-Customer-Key-Md5`]: createHash('md5').update(key).digest('base64'),
  };
}

/** The vectors' plaintext rule: byte i is i mod 256. */
export function patternBytes(length: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = i & 0xff;
  return out;
}

/** Reports whether two byte arrays are equal; much faster than `toEqual` on large arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
