import { describe, expect, it } from 'vitest';
import {
  isSseCCopyRequested,
  isSseCRequested,
  isSseKmsRequested,
  isSseS3Requested,
  parseSseCCopyHeaders,
  parseSseCHeaders,
  parseSseKmsHeaders,
  parseSseS3Headers,
  removeSensitiveHeaders,
} from '../src/index.js';
import { catchS3Error, REASON_OF, sseVectors, toHex } from './sse-helpers.js';

describe('header vectors', () => {
  it('detects requested SSE types', () => {
    const vectors = sseVectors('header-detect');
    for (const { name, inputs, expected } of vectors) {
      const predicates = {
        sse_kms_requested: isSseKmsRequested,
        sse_s3_requested: isSseS3Requested,
        ssec_requested: isSseCRequested,
        ssec_copy_requested: isSseCCopyRequested,
      } as const;
      const keys = Object.keys(expected) as (keyof typeof predicates)[];
      expect(keys, name).toHaveLength(1);
      const key = keys[0]!;
      expect(predicates[key](inputs.headers), name).toBe(expected[key]);
    }
    expect(vectors.length).toBe(26);
  });

  it('parses SSE-KMS headers', () => {
    const vectors = sseVectors('header-parse-sse-kms');
    let withKmskitExpected = 0;
    for (const vector of vectors) {
      const { name, inputs, expected } = vector;
      if (vector.kmskit_expected) {
        withKmskitExpected++;
        const error = catchS3Error(() => parseSseKmsHeaders(inputs.headers));
        expect(error.code, name).toBe(vector.kmskit_expected.s3_error);
        expect(error.status, name).toBe(vector.kmskit_expected.status);
        continue;
      }
      if (expected.error === null) {
        const parsed = parseSseKmsHeaders(inputs.headers);
        expect({ key_id: parsed.keyId, context: parsed.context ?? null }, name).toEqual(
          expected.parsed,
        );
      } else {
        const error = catchS3Error(() => parseSseKmsHeaders(inputs.headers));
        expect(error.reason, name).toBe(REASON_OF[expected.error]);
        expect(error.status, name).toBe(400);
      }
    }
    expect(vectors.length).toBe(8);
    expect(withKmskitExpected).toBe(1);
  });

  it('parses SSE-S3 headers strictly', () => {
    const vectors = sseVectors('header-parse-sse-s3');
    for (const { name, inputs, expected } of vectors) {
      if (expected.error === null) {
        expect(() => parseSseS3Headers(inputs.headers), name).not.toThrow();
      } else {
        const error = catchS3Error(() => parseSseS3Headers(inputs.headers));
        expect(error.reason, name).toBe(REASON_OF[expected.error]);
      }
    }
    expect(vectors.length).toBe(4);
  });

  it('parses SSE-C and copy headers', () => {
    const vectors = sseVectors('header-parse-sse-c');
    for (const { name, inputs, expected } of vectors) {
      const copy = Object.keys(inputs.headers).some((header) =>
        header.startsWith('X-Amz-Copy-Source'),
      );
      const parse = copy ? parseSseCCopyHeaders : parseSseCHeaders;
      if (expected.error === null) {
        expect(toHex(parse(inputs.headers).bytes), name).toBe(expected.client_key_hex);
      } else {
        const error = catchS3Error(() => parse(inputs.headers));
        expect(error.reason, name).toBe(REASON_OF[expected.error]);
        expect(error.status, name).toBe(expected.error === 'ErrInvalidCustomerKey' ? 403 : 400);
      }
    }
    expect(vectors.length).toBe(14);
  });

  it('strips sensitive headers', () => {
    const vectors = sseVectors('header-strip');
    for (const { name, inputs, expected } of vectors) {
      const before = structuredClone(inputs.headers);
      expect(removeSensitiveHeaders(inputs.headers), name).toEqual(expected.headers);
      expect(inputs.headers, name).toEqual(before);
    }
    expect(vectors.length).toBe(5);
  });
});
