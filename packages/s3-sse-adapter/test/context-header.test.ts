import { describe, expect, it } from 'vitest';
import { createSseAdapter, parseKmsContextHeader, parseSseRequest } from '../src/index.js';
import { catchS3Error, recordingKms, toBase64 } from './sse-helpers.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const kmsHeaders = (context: string) => ({
  'X-Amz-Server-Side-Encryption': 'aws:kms',
  'X-Amz-Server-Side-Encryption-Context': context,
});

function rejection(value: string) {
  const error = catchS3Error(() => parseSseRequest(kmsHeaders(value)));
  expect(error.code).toBe('InvalidArgument');
  expect(error.status).toBe(400);
  expect(error.reason).toBe('InvalidEncryptionContext');
  expect(error.message).toContain('x-amz-server-side-encryption-context');
  return error;
}

describe('SSE-KMS context header', () => {
  it('rejects nested and non-string values', () => {
    expect(rejection(b64('{"Context":{"a":"b"}}')).detail).toMatch(/not a string/);
    expect(rejection(b64('{"a":1}')).detail).toMatch(/not a string/);
    expect(rejection(b64('{"a":null}')).detail).toMatch(/not a string/);
    expect(rejection(b64('["a"]')).detail).toMatch(/JSON object/);
    expect(rejection(b64('"a"')).detail).toMatch(/JSON object/);
  });

  it('requires padded standard base64', () => {
    // 10 bytes of JSON need "==" padding.
    const padded = b64('{"ab":"c"}');
    expect(padded.endsWith('==')).toBe(true);
    expect(parseKmsContextHeader(padded)).toEqual({ ab: 'c' });
    expect(rejection(padded.replace(/=+$/, '')).detail).toMatch(/base64/);
    // 9 bytes need no padding, so the unpadded form is the standard form.
    expect(parseKmsContextHeader(b64('{"a":"b"}'))).toEqual({ a: 'b' });
  });

  it('rejects the URL-safe alphabet', () => {
    const standard = b64('{"k":"??>>"}');
    expect(standard).toMatch(/[+/]/);
    expect(parseKmsContextHeader(standard)).toEqual({ k: '??>>' });
    const urlSafe = Buffer.from('{"k":"??>>"}').toString('base64url');
    expect(rejection(urlSafe).detail).toMatch(/URL-safe/);
  });

  it('rejects garbage and empty values', () => {
    expect(rejection('%%%').detail).toMatch(/base64/);
    expect(rejection('').detail).toMatch(/empty/);
  });

  it('rejects invalid UTF-8', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    expect(rejection(bytes.toString('base64')).detail).toMatch(/UTF-8/);
  });

  it('rejects duplicate keys', () => {
    expect(rejection(b64('{"a":"b","a":"c"}')).detail).toMatch(/duplicate key "a"/);
  });

  it('rejects unpaired surrogate escapes', () => {
    expect(rejection(b64('{"a":"\\ud800"}')).detail).toMatch(/surrogate/);
  });

  it('accepts whitespace and escapes', () => {
    const context = parseKmsContextHeader(b64(' { "a" : "x\\u00e9\\n" , "__proto__" : "p" } '));
    expect(Object.entries(context)).toEqual([
      ['a', 'xé\n'],
      ['__proto__', 'p'],
    ]);
  });

  it('sends the merged context to KMS', async () => {
    const { kms, calls } = recordingKms();
    const sse = createSseAdapter({ kms });
    const upload = await sse.prepareUpload({
      bucket: 'bucket',
      object: 'a//b/./c',
      headers: kmsHeaders(b64('{ "project" : "x", "<tag>": "&" }')),
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.context).toBe(
      '{"\\u003ctag\\u003e":"\\u0026","bucket":"bucket/a/b/c","project":"x"}',
    );
    // The stored and echoed context is the client's, re-serialised canonically.
    const canonical = toBase64(
      new TextEncoder().encode('{"\\u003ctag\\u003e":"\\u0026","project":"x"}'),
    );
    expect(upload.metadata['X-Minio-Internal-Server-Side-Encryption-Context']).toBe(canonical);
    expect(upload.responseHeaders['x-amz-server-side-encryption-context']).toBe(canonical);

    const reader = await sse.openObject({
      bucket: 'bucket',
      object: 'a//b/./c',
      metadata: upload.metadata,
      size: 0,
    });
    expect(reader.size).toBe(0);
    expect(calls[1]).toEqual({ ...calls[0], operation: 'decrypt' });
  });

  it('keeps a client bucket entry', async () => {
    const { kms, calls } = recordingKms();
    const sse = createSseAdapter({ kms });
    await sse.prepareUpload({
      bucket: 'bucket',
      object: 'object',
      headers: kmsHeaders(b64('{"bucket":"mine"}')),
    });
    expect(calls[0]!.context).toBe('{"bucket":"mine"}');
  });

  it('stores no empty context', async () => {
    const sse = createSseAdapter({ kms: recordingKms().kms });
    const upload = await sse.prepareUpload({
      bucket: 'bucket',
      object: 'object',
      headers: kmsHeaders(b64('{}')),
    });
    expect(upload.metadata).not.toHaveProperty('X-Minio-Internal-Server-Side-Encryption-Context');
    expect(upload.responseHeaders).not.toHaveProperty('x-amz-server-side-encryption-context');
  });
});
