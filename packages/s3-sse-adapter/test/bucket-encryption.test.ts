import { describe, expect, it } from 'vitest';
import {
  parseBucketEncryption,
  S3_XML_NAMESPACE,
  serializeBucketEncryption,
} from '../src/index.js';
import { catchS3Error } from './sse-helpers.js';

const wrap = (inner: string, attributes = '') =>
  `<ServerSideEncryptionConfiguration${attributes}><Rule><ApplyServerSideEncryptionByDefault>${inner}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`;

function reason(xml: string): string {
  const error = catchS3Error(() => parseBucketEncryption(xml));
  expect(error.code).toBe('MalformedXML');
  expect(error.status).toBe(400);
  expect(error.message).toContain(`(${error.detail})`);
  return error.detail!;
}

describe('bucket encryption XML', () => {
  it('reads AWS documents with extras', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- from the AWS CLI -->
<ServerSideEncryptionConfiguration xmlns="${S3_XML_NAMESPACE}">
  <Rule>
    <ApplyServerSideEncryptionByDefault>
      <SSEAlgorithm>aws:kms</SSEAlgorithm>
      <KMSMasterKeyID>arn:aws:kms:my-key</KMSMasterKeyID>
    </ApplyServerSideEncryptionByDefault>
    <BucketKeyEnabled>true</BucketKeyEnabled>
  </Rule>
</ServerSideEncryptionConfiguration>`;
    expect(parseBucketEncryption(xml)).toEqual({
      xmlns: S3_XML_NAMESPACE,
      algorithm: 'aws:kms',
      masterKeyId: 'arn:aws:kms:my-key',
      keyId: 'my-key',
    });
  });

  it('matches prefixed element names', () => {
    const xml = `<s3:ServerSideEncryptionConfiguration xmlns:s3="${S3_XML_NAMESPACE}"><s3:Rule><s3:ApplyServerSideEncryptionByDefault><s3:SSEAlgorithm>AES256</s3:SSEAlgorithm></s3:ApplyServerSideEncryptionByDefault></s3:Rule></s3:ServerSideEncryptionConfiguration>`;
    expect(parseBucketEncryption(xml).algorithm).toBe('AES256');
  });

  it('decodes entities and CDATA', () => {
    expect(
      parseBucketEncryption(
        wrap(
          '<SSEAlgorithm>aws&#58;kms</SSEAlgorithm><KMSMasterKeyID><![CDATA[my-key]]></KMSMasterKeyID>',
        ),
      ).keyId,
    ).toBe('my-key');
  });

  it('rejects malformed documents', () => {
    expect(reason('<ServerSideEncryptionConfiguration><Rule>')).toMatch(/not closed/);
    expect(reason(wrap('<SSEAlgorithm>AES256</Algorithm>'))).toMatch(/closed by/);
    expect(reason('<Other/>')).toMatch(/root element/);
    expect(
      reason(`<!DOCTYPE x [<!ENTITY e "AES256">]>${wrap('<SSEAlgorithm>&e;</SSEAlgorithm>')}`),
    ).toMatch(/document type/);
    expect(reason(wrap('<SSEAlgorithm>&e;</SSEAlgorithm>'))).toMatch(/entity/);
  });

  it('rejects missing and padded algorithms', () => {
    expect(reason(wrap(''))).toBe('Unknown SSE algorithm');
    expect(reason(wrap('<SSEAlgorithm> AES256 </SSEAlgorithm>'))).toBe('Unknown SSE algorithm');
    expect(reason('<ServerSideEncryptionConfiguration/>')).toBe(
      'only one server-side encryption rule is allowed at a time',
    );
    expect(
      reason(wrap('<SSEAlgorithm>AES256</SSEAlgorithm><SSEAlgorithm>AES256</SSEAlgorithm>')),
    ).toMatch(/more than one/);
  });

  it('serialises as Go does', () => {
    expect(serializeBucketEncryption({ algorithm: 'aws:kms', masterKeyId: `a&b<'"` })).toBe(
      `<ServerSideEncryptionConfiguration xmlns="${S3_XML_NAMESPACE}"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>a&amp;b&lt;&#39;&#34;</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`,
    );
    const stored = serializeBucketEncryption(
      parseBucketEncryption(wrap('<SSEAlgorithm>AES256</SSEAlgorithm>')),
    );
    expect(parseBucketEncryption(stored).xmlns).toBe(S3_XML_NAMESPACE);
  });
});
