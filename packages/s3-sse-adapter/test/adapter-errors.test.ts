import { describe, expect, it } from 'vitest';
import { checkClientMetadata, createSseAdapter, parseSseRequest, S3Error } from '../src/index.js';
import { builtinKms, catchS3Error, customerKeyHeaders, rejectS3Error } from './sse-helpers.js';

const KEY = new Uint8Array(32).fill(3);
const location = { bucket: 'bucket', object: 'object' };
const sse = (value: string) => ({ 'X-Amz-Server-Side-Encryption': value });

describe('adapter request errors', () => {
  it('accepts only exact SSE values', () => {
    expect(parseSseRequest(sse('AES256'))).toEqual({ type: 'SSE-S3' });
    expect(parseSseRequest(sse('aws:kms'))).toEqual({
      type: 'SSE-KMS',
      keyId: '',
      context: undefined,
    });
    for (const value of ['aes256', 'Aes256', 'AWS:KMS', '', 'foo', 'AES-256']) {
      const error = catchS3Error(() => parseSseRequest(sse(value)));
      expect(error.reason, value).toBe('InvalidEncryptionMethod');
      expect(error.code, value).toBe('InvalidArgument');
      expect(error.status, value).toBe(400);
      expect(error.message, value).toBe(
        'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms',
      );
    }
  });

  it('rejects AES256 with KMS headers', () => {
    for (const extra of [
      { 'X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id': 'my-key' },
      { 'X-Amz-Server-Side-Encryption-Context': 'e30=' },
    ]) {
      expect(catchS3Error(() => parseSseRequest({ ...sse('AES256'), ...extra })).reason).toBe(
        'InvalidEncryptionMethod',
      );
    }
  });

  it('rejects SSE-C mixed with SSE', () => {
    for (const value of ['AES256', 'aws:kms']) {
      const error = catchS3Error(() =>
        parseSseRequest({ ...sse(value), ...customerKeyHeaders(KEY) }),
      );
      expect(error.reason).toBe('IncompatibleEncryptionMethod');
      expect(error.status).toBe(400);
    }
  });

  it('rejects SSE-C over plain HTTP', async () => {
    const error = catchS3Error(() => parseSseRequest(customerKeyHeaders(KEY), { secure: false }));
    expect(error.reason).toBe('InsecureSSECustomerRequest');
    const adapter = createSseAdapter();
    const upload = await adapter.prepareUpload({ ...location, headers: customerKeyHeaders(KEY) });
    const read = await rejectS3Error(
      adapter.openObject({
        ...location,
        metadata: upload.metadata,
        headers: customerKeyHeaders(KEY),
        size: 0,
        secure: false,
      }),
    );
    expect(read.reason).toBe('InsecureSSECustomerRequest');
    expect(parseSseRequest(sse('AES256'), { secure: false })).toEqual({ type: 'SSE-S3' });
  });

  it('needs a KMS for SSE-S3', async () => {
    const adapter = createSseAdapter();
    for (const value of ['AES256', 'aws:kms']) {
      const error = await rejectS3Error(
        adapter.prepareUpload({ ...location, headers: sse(value) }),
      );
      expect(error.code).toBe('NotImplemented');
      expect(error.status).toBe(501);
      expect(error.message).toBe('Server side encryption specified but KMS is not configured');
    }
    const upload = await adapter.prepareUpload({ ...location, headers: customerKeyHeaders(KEY) });
    expect(upload.type).toBe('SSE-C');
  });

  it('rejects internal metadata headers', () => {
    for (const headers of [
      { 'X-Minio-Internal-Server-Side-Encryption-Iv': 'x' },
      { 'x-minio-internal-compression': 'x' },
      new Headers({ 'X-MINIO-INTERNAL-actual-size': '1' }),
    ]) {
      const error = catchS3Error(() => checkClientMetadata(headers));
      expect(error.code).toBe('InvalidArgument');
      expect(error.message).toBe('Your metadata headers are not supported.');
    }
    expect(() =>
      checkClientMetadata({ 'X-Amz-Meta-Minio-Internal': 'x', 'X-Minio-Other': 'y' }),
    ).not.toThrow();
  });

  it('passes KMS failures with their code', async () => {
    const adapter = createSseAdapter({ kms: builtinKms() });
    const controller = new AbortController();
    controller.abort();
    const error = await rejectS3Error(
      adapter.prepareUpload({ ...location, headers: sse('AES256'), signal: controller.signal }),
    );
    expect(error.code).toBe('kms:Canceled');
    expect(error.reason).toBe('KmsError');
  });
});

describe('adapter read errors', () => {
  const adapter = createSseAdapter({ kms: builtinKms() });

  it('rejects SSE headers on GET and HEAD', async () => {
    for (const method of ['GET', 'HEAD', 'get']) {
      const error = await rejectS3Error(
        adapter.openObject({ ...location, metadata: {}, headers: sse('AES256'), method, size: 1 }),
      );
      expect(error.code, method).toBe('BadRequest');
      expect(error.status, method).toBe(400);
    }
  });

  it('requires SSE-C keys for SSE-C objects', async () => {
    const upload = await adapter.prepareUpload({ ...location, headers: customerKeyHeaders(KEY) });
    const error = await rejectS3Error(
      adapter.openObject({ ...location, metadata: upload.metadata, size: 0 }),
    );
    expect(error.reason).toBe('EncryptedObject');
    expect(error.code).toBe('InvalidRequest');
  });

  it('rejects SSE-C keys for other objects', async () => {
    const upload = await adapter.prepareUpload({ ...location, headers: sse('AES256') });
    const kmsObject = await rejectS3Error(
      adapter.openObject({
        ...location,
        metadata: upload.metadata,
        headers: customerKeyHeaders(KEY),
        size: 0,
      }),
    );
    expect(kmsObject.reason).toBe('EncryptedObject');
    const plain = await rejectS3Error(
      adapter.openObject({ ...location, metadata: {}, headers: customerKeyHeaders(KEY), size: 0 }),
    );
    expect(plain.reason).toBe('InvalidEncryptionParameters');
  });

  it('refuses compressed encrypted objects', async () => {
    const upload = await adapter.prepareUpload({ ...location, headers: sse('AES256') });
    const error = await rejectS3Error(
      adapter.openObject({
        ...location,
        metadata: { ...upload.metadata, 'X-Minio-Internal-compression': 'klauspost/compress/s2' },
        size: 0,
      }),
    );
    expect(error.code).toBe('NotImplemented');
    expect(error.status).toBe(501);
    expect(error.message).toContain('compressed');
  });

  it('refuses static-key SSE-S3 objects', async () => {
    const metadata = {
      'X-Minio-Internal-Server-Side-Encryption-Seal-Algorithm': 'DAREv2-HMAC-SHA256',
      'X-Minio-Internal-Server-Side-Encryption-Iv': Buffer.alloc(32).toString('base64'),
      'X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key': Buffer.alloc(64).toString('base64'),
    };
    const error = await rejectS3Error(adapter.openObject({ ...location, metadata, size: 0 }));
    expect(error.reason).toBe('LegacyStaticKeyObject');
    expect(error.status).toBe(501);
  });

  it('treats keyless encryption metadata as tampered', async () => {
    const error = await rejectS3Error(
      adapter.openObject({
        ...location,
        metadata: { 'X-Minio-Internal-Server-Side-Encryption-Iv': '' },
        size: 0,
      }),
    );
    expect(error.code).toBe('XMinioObjectTampered');
  });

  it('treats impossible sizes as tampered', async () => {
    const upload = await adapter.prepareUpload({ ...location, headers: sse('AES256') });
    const error = await rejectS3Error(
      adapter.openObject({ ...location, metadata: upload.metadata, size: 32 }),
    );
    expect(error.code).toBe('XMinioObjectTampered');
  });

  it('reports malformed metadata', async () => {
    const upload = await adapter.prepareUpload({ ...location, headers: sse('AES256') });
    const metadata = { ...upload.metadata, 'X-Minio-Internal-Server-Side-Encryption-Iv': 'short' };
    const error = await rejectS3Error(adapter.openObject({ ...location, metadata, size: 0 }));
    expect(error.code).toBe('XMinioEncryptionError');
    expect(error.message).toBe('The internal encryption IV is malformed');
  });

  it('checks arguments', async () => {
    await expect(adapter.prepareUpload({ bucket: '', object: 'o' })).rejects.toThrow(TypeError);
    await expect(adapter.prepareUpload({ bucket: 'b', object: 'a\uD800' })).rejects.toThrow(
      /surrogate/,
    );
    await expect(
      adapter.openObject({
        ...location,
        metadata: { 'X-Minio-Internal-Server-Side-Encryption-S3-Sealed-Key': '' },
      }),
    ).rejects.toThrow();
    expect(() => createSseAdapter({ kms: {} as never })).toThrow(TypeError);
  });
});

describe('S3Error', () => {
  it('renders S3 error XML', () => {
    const error = new S3Error({
      code: 'InvalidArgument',
      status: 400,
      message: 'a <b> & "c"',
      reason: 'InvalidEncryptionContext',
    });
    expect(error.toXML('/b/o', 'req-1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code><Message>a &lt;b&gt; &amp; &quot;c&quot;</Message><Resource>/b/o</Resource><RequestId>req-1</RequestId></Error>',
    );
  });

  it('recognises copies by marker', () => {
    const foreign = { [Symbol.for('@kmskit/s3-sse-adapter.S3Error')]: true, code: 'X' };
    expect(S3Error.isInstance(foreign)).toBe(true);
    expect(S3Error.isInstance(new Error('x'))).toBe(false);
    expect(S3Error.isInstance(null)).toBe(false);
  });

  it('serialises without the cause', () => {
    const error = new S3Error({
      code: 'AccessDenied',
      status: 403,
      message: 'Access Denied.',
      reason: 'SecretKeyMismatch',
      cause: new Error('secret detail'),
    });
    expect(JSON.stringify(error)).not.toContain('secret detail');
    expect(error.toJSON()).toEqual({
      name: 'S3Error',
      code: 'AccessDenied',
      status: 403,
      reason: 'SecretKeyMismatch',
      message: 'Access Denied.',
    });
  });
});
