import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  type GetObjectCommandInput,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ObjectRecord, storedObjectPaths } from '../src/index.js';
import fixture from './fixtures/minio-objects.json' with { type: 'json' };
import {
  builtinKms,
  copySourceSsec,
  expectS3Error,
  ssec,
  startTestServer,
  type TestServer,
} from './helpers.js';
import { sendRaw } from './raw-request.js';

interface ObjectVector {
  name: string;
  inputs: {
    bucket: string;
    object: string;
    content: { len: number; hex: string };
    kms_secret_key?: string;
    request_headers?: Record<string, string>;
    rotation_new_client_key_ascii?: string;
  };
  expected: {
    metadata: Record<string, string>;
    stored_body_hex: string;
    stored_size: number;
    stored_etag: string;
    client_etag: string;
    response_headers: Record<string, string>;
    after_rotation_iv_b64?: string;
  };
  kmskit_expected?: Partial<ObjectVector['expected']>;
}

const VECTORS = fixture.vectors as unknown as ObjectVector[];
const SECRET_KEYS = new Set(VECTORS.map((vector) => vector.inputs.kms_secret_key).filter(Boolean));
const SSE_C_KEY_HEADER = 'X-Amz-Server-Side-Encryption-Customer-Key';

let t: TestServer;
let ran = 0;
beforeAll(async () => {
  expect(SECRET_KEYS.size).toBe(1);
  t = await startTestServer({ kms: builtinKms([...SECRET_KEYS][0]) });
  await t.client.send(new CreateBucketCommand({ Bucket: 'bucket' }));
});
afterAll(() => t.close());

/** Writes a stored body and its metadata into the server's store, as MinIO left them. */
async function placeObject(vector: ObjectVector, expected: ObjectVector['expected']) {
  const { bucket, object } = vector.inputs;
  const { objectsDirectory, metadataFile, dataFilePrefix } = storedObjectPaths(
    t.dataDir,
    bucket,
    object,
  );
  const dataFile = `${dataFilePrefix}.minio.data`;
  await mkdir(objectsDirectory, { recursive: true });
  await writeFile(join(objectsDirectory, dataFile), Buffer.from(expected.stored_body_hex, 'hex'));
  const record: ObjectRecord = {
    key: object,
    dataFile,
    size: expected.stored_size,
    etag: expected.stored_etag,
    lastModified: new Date().toISOString(),
    contentType: 'application/octet-stream',
    userMetadata: {},
    internal: expected.metadata,
  };
  await writeFile(metadataFile, JSON.stringify(record));
}

describe.each(VECTORS)('$name', (vector) => {
  const expected = { ...vector.expected, ...vector.kmskit_expected };
  const content = Buffer.from(vector.inputs.content.hex, 'hex');
  const requestKey = vector.inputs.request_headers?.[SSE_C_KEY_HEADER];
  const read = requestKey === undefined ? {} : ssec(Buffer.from(requestKey, 'base64'));
  const object = { Bucket: vector.inputs.bucket, Key: vector.inputs.object };

  async function getBytes(input: Partial<GetObjectCommandInput> = {}) {
    const output = await t.client.send(new GetObjectCommand({ ...object, ...read, ...input }));
    return { output, bytes: Buffer.from(await output.Body!.transformToByteArray()) };
  }

  beforeAll(async () => {
    await placeObject(vector, expected);
    ran += 1;
  });

  it('reads the full object', async () => {
    const { output, bytes } = await getBytes();
    expect(bytes.equals(content)).toBe(true);
    expect(output.ContentLength).toBe(vector.inputs.content.len);
    expect(output.ETag).toBe(`"${expected.client_etag}"`);
  });

  it.each([
    ['bytes=10-19', 10, 19],
    ['bytes=-7', 93, 99],
    ['bytes=99-', 99, 99],
  ])('reads the range %s', async (range, first, last) => {
    const { output, bytes } = await getBytes({ Range: range });
    expect(output.ContentRange).toBe(`bytes ${first}-${last}/${content.length}`);
    expect(bytes.equals(content.subarray(first, last + 1))).toBe(true);
  });

  it('answers with MinIO headers', async () => {
    const response = await sendRaw(t.server, {
      method: 'HEAD',
      path: `/${object.Bucket}/${object.Key}`,
      headers: Object.fromEntries(
        Object.entries(vector.inputs.request_headers ?? {}).filter(([name]) =>
          name.startsWith('X-Amz-Server-Side-Encryption-Customer'),
        ),
      ),
    });
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe(`"${expected.client_etag}"`);
    for (const [name, value] of Object.entries(expected.response_headers)) {
      expect(response.headers[name], name).toBe(value);
    }
  });

  if (vector.inputs.rotation_new_client_key_ascii !== undefined) {
    it('rotates the SSE-C key', async () => {
      const newKey = Buffer.from(vector.inputs.rotation_new_client_key_ascii!, 'ascii');
      const oldKey = Buffer.from(requestKey!, 'base64');
      await t.client.send(
        new CopyObjectCommand({
          ...object,
          CopySource: `${object.Bucket}/${object.Key}`,
          ...copySourceSsec(oldKey),
          ...ssec(newKey),
        }),
      );
      const { metadataFile } = storedObjectPaths(t.dataDir, object.Bucket, object.Key);
      const record = JSON.parse(await readFile(metadataFile, 'utf8')) as ObjectRecord;
      expect(record.internal['X-Minio-Internal-Server-Side-Encryption-Iv']).toBe(
        expected.after_rotation_iv_b64,
      );
      await expectS3Error(getBytes(), 'AccessDenied', 403);
      const { bytes } = await getBytes(ssec(newKey));
      expect(bytes.equals(content)).toBe(true);
    });
  }
});

it('ran every MinIO object', () => {
  expect(ran).toBe(3);
});
