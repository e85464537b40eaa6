import { X509Certificate } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { KmsError } from '@kmskit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateKeyRequestSchema,
  DecryptRequestSchema,
  DecryptResponseSchema,
  ErrResponseSchema,
  GenerateKeyRequestSchema,
  GenerateKeyResponseSchema,
  ListRequestSchema,
  VersionResponseSchema,
} from '../src/gen/minio/kms/v1/kms_pb.js';
import {
  createMinkmsConnector,
  decodeMinkmsFrames,
  encodeMinkmsFrames,
  minkmsCommandUrl,
  minkmsIdentity,
  minkmsVersionUrl,
  normalizeMinkmsEndpoint,
  parseMinkmsApiKey,
  parseMinkmsIdentity,
} from '../src/index.js';
import vectors from './fixtures/minkms-vectors.json' with { type: 'json' };
import { rejectionOf, startPair } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: vector inputs differ per kind.
type Vector = { name: string; kind: string; inputs: any; expected: any; kmskit_expected?: any };
const all = vectors.vectors as Vector[];
const ofKind = (kind: string) => all.filter((vector) => vector.kind === kind);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const b64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

const REQUEST_SCHEMAS = {
  'KEY:GENERATE': GenerateKeyRequestSchema,
  'KEY:DECRYPT': DecryptRequestSchema,
  'KEY:CREATE': CreateKeyRequestSchema,
  'KEY:LIST': ListRequestSchema,
} as const;
const RESPONSE_SCHEMAS = {
  'KEY:GENERATE': GenerateKeyResponseSchema,
  'KEY:DECRYPT': DecryptResponseSchema,
} as const;

/** Turns the protojson-like fields of a vector into protobuf-es init fields. */
function fieldsOf(semantic: Record<string, unknown> = {}): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(semantic)) {
    const name = key.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const binary = ['associatedData', 'ciphertext', 'plaintext'].includes(name);
    fields[name] = binary ? b64(value as string) : value;
  }
  return fields;
}

describe('minkms_command_frame vectors', () => {
  it('encodes and decodes every frame', () => {
    let count = 0;
    for (const vector of ofKind('minkms_command_frame')) {
      const { inputs, expected } = vector;
      if (inputs.requests) {
        const frames = inputs.requests.map((request: Record<string, unknown>) => {
          const message = create(GenerateKeyRequestSchema, {
            name: request.name as string,
            length: request.length as number,
            ...(request.associated_data_utf8 === undefined
              ? {}
              : {
                  associatedData: new TextEncoder().encode(request.associated_data_utf8 as string),
                }),
          });
          return { command: 207, message: toBinary(GenerateKeyRequestSchema, message) };
        });
        expect(hex(encodeMinkmsFrames(frames)), vector.name).toBe(expected.frame_hex);
        expect(decodeMinkmsFrames(Buffer.from(expected.frame_hex, 'hex')).length, vector.name).toBe(
          2,
        );
        count++;
        continue;
      }

      const schemas: Record<string, unknown> =
        inputs.direction === 'request' ? REQUEST_SCHEMAS : RESPONSE_SCHEMAS;
      const schema = schemas[inputs.command] as typeof GenerateKeyRequestSchema | undefined;
      let message = new Uint8Array(0);
      if (schema) {
        message = toBinary(schema, create(schema, fieldsOf(inputs.message_protojson_semantic)));
        expect(hex(message), vector.name).toBe(inputs.protobuf_hex);
      }
      const frame = encodeMinkmsFrames([{ command: inputs.command_id, message }]);
      expect(hex(frame), vector.name).toBe(expected.frame_hex);
      expect(Buffer.from(frame).toString('base64'), vector.name).toBe(expected.frame_b64);
      expect(frame.length, vector.name).toBe(expected.frame_len);

      const [decoded] = decodeMinkmsFrames(Buffer.from(expected.frame_hex, 'hex'));
      expect(decoded?.command, vector.name).toBe(inputs.command_id);
      if (schema) {
        const parsed = fromBinary(schema, decoded!.message);
        expect(hex(toBinary(schema, parsed)), vector.name).toBe(inputs.protobuf_hex);
      }
      count++;
    }
    expect(count).toBe(9);
  });
});

describe('minkms_plain_protobuf vectors', () => {
  it('encodes error and version bodies', () => {
    let count = 0;
    for (const vector of ofKind('minkms_plain_protobuf')) {
      const { inputs, expected } = vector;
      if (inputs.message === 'ErrResponse') {
        const body = toBinary(ErrResponseSchema, create(ErrResponseSchema, inputs.fields));
        expect(hex(body), vector.name).toBe(expected.body_hex);
        expect(fromBinary(ErrResponseSchema, body).message).toBe(inputs.fields.message);
      } else {
        const fields = fieldsOf(inputs.fields);
        const body = toBinary(VersionResponseSchema, create(VersionResponseSchema, fields));
        expect(hex(body), vector.name).toBe(expected.body_hex);
        const parsed = fromBinary(VersionResponseSchema, Buffer.from(expected.body_hex, 'hex'));
        expect(parsed.apiVersion).toBe(inputs.fields.api_version);
        expect(JSON.parse(expected.json_equivalent)).toEqual(inputs.fields);
      }
      count++;
    }
    expect(count).toBe(2);
  });
});

describe('minkms_url vectors', () => {
  it('builds URLs or rejects the enclave', () => {
    let count = 0;
    for (const vector of ofKind('minkms_url')) {
      const { endpoint, enclave } = vector.inputs;
      const options = {
        endpoints: [endpoint],
        enclave,
        apiKey: 'k1:d7cY_5k8HbBGkZpoy2hGmvkxg83QDBXsA_nFXDfTk2E',
      };
      if (vector.kmskit_expected) {
        let thrown: unknown;
        try {
          createMinkmsConnector(options);
        } catch (error) {
          thrown = error;
        }
        expect(KmsError.isInstance(thrown), vector.name).toBe(true);
        expect((thrown as KmsError).code).toBe(vector.kmskit_expected.code);
        expect((thrown as KmsError).status).toBe(vector.kmskit_expected.status);
      } else {
        const origin = normalizeMinkmsEndpoint(endpoint);
        expect(minkmsCommandUrl(origin, enclave), vector.name).toBe(vector.expected.kms_url);
        expect(minkmsVersionUrl(origin), vector.name).toBe(vector.expected.version_url);
        expect(createMinkmsConnector(options).endpoints).toEqual([origin]);
      }
      count++;
    }
    expect(count).toBe(4);
  });
});

describe('minkms_api_key vectors', () => {
  it('parses keys and derives identities', () => {
    let count = 0;
    for (const vector of ofKind('minkms_api_key')) {
      const { api_key: text } = vector.inputs;
      const { expected } = vector;
      if (expected.should_fail) {
        expect(() => parseMinkmsApiKey(text), vector.name).toThrow(TypeError);
        count++;
        continue;
      }
      const key = parseMinkmsApiKey(text);
      const seed = key.privateKey().export({ type: 'pkcs8', format: 'der' }).subarray(-32);
      expect(key.toSecretString()).toBe(expected.string);
      expect(seed.toString('hex'), vector.name).toBe(expected.seed_hex);
      expect(hex(key.publicKeyDer()), vector.name).toBe(expected.spki_der_hex);
      expect(key.identity, vector.name).toBe(expected.identity);
      expect(minkmsIdentity(text)).toBe(expected.identity);
      const kesStyle = Buffer.from(key.identity.slice(3), 'base64url').toString('hex');
      expect(kesStyle, vector.name).toBe(expected.identity_hex_kes_style);
      const kesKey = `kes:v1:${Buffer.concat([Buffer.from([0]), seed]).toString('base64')}`;
      expect(kesKey, vector.name).toBe(expected.equivalent_kes_api_key);
      count++;
    }
    expect(count).toBe(8);
  });
});

describe('mtls_private_key vectors', () => {
  it('matches the identities of real certificates', () => {
    let count = 0;
    for (const vector of ofKind('mtls_private_key')) {
      const key = parseMinkmsApiKey(vector.inputs.private_key);
      const certificate = new X509Certificate(vector.inputs.certificate_pem);
      expect(key.identity, vector.name).toBe(vector.expected.identity);
      expect(minkmsIdentity(certificate), vector.name).toBe(vector.expected.identity);
      expect(hex(key.publicKeyDer()), vector.name).toBe(vector.expected.spki_der_hex);
      expect(certificate.checkPrivateKey(key.privateKey()), vector.name).toBe(true);
      count++;
    }
    expect(count).toBe(4);
  });
});

describe('mtls_identity_parse vectors', () => {
  it('parses or rejects identities', () => {
    let count = 0;
    for (const vector of ofKind('mtls_identity_parse')) {
      if (vector.expected.should_fail) {
        expect(() => parseMinkmsIdentity(vector.inputs.identity), vector.name).toThrow(TypeError);
      } else {
        expect(parseMinkmsIdentity(vector.inputs.identity), vector.name).toBe(
          vector.expected.roundtrip_string,
        );
      }
      count++;
    }
    expect(count).toBe(7);
  });
});

describe('minkms_error_mapping vectors', () => {
  let pair: Awaited<ReturnType<typeof startPair>>;
  beforeAll(async () => {
    pair = await startPair({ keys: ['my-key'] });
  });
  afterAll(() => pair.close());

  const run = (operation: string) => {
    const { kms } = pair;
    if (operation === 'GenerateKey') return kms.generateKey({ name: 'my-key' });
    if (operation === 'CreateKey') return kms.createKey({ name: 'new-key' });
    if (operation === 'Decrypt')
      return kms.decrypt({ name: 'my-key', ciphertext: new Uint8Array(80) });
    if (operation === 'ListKeys') return kms.listKeys({});
    throw new Error(`no operation ${operation}`);
  };

  it('maps server errors end to end', async () => {
    let count = 0;
    for (const vector of ofKind('minkms_error_mapping')) {
      const { inputs } = vector;
      const expected = vector.kmskit_expected;
      const body =
        inputs.body_hex === undefined ? inputs.body : Buffer.from(inputs.body_hex, 'hex');
      pair.server.inject(
        { type: 'response', status: inputs.http_status, contentType: inputs.content_type, body },
        { times: 1, route: 'command' },
      );
      const error = await rejectionOf(run(inputs.operation));
      expect(error.code, vector.name).toBe(expected.code);
      expect(error.status, vector.name).toBe(expected.status);
      expect(error.retryable, vector.name).toBe(expected.retryable);
      count++;
    }
    expect(count).toBe(6);
  });
});
