import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder } from '../src/aws-chunked.js';
import { createChecksum } from '../src/checksums.js';
import { parsePartList } from '../src/complete-multipart.js';
import { parseCopySource } from '../src/copy-object.js';
import { ServerError } from '../src/errors.js';

async function decode(chunks: Buffer[]) {
  const decoder = new AwsChunkedDecoder();
  const payload = await buffer(Readable.from(chunks).pipe(decoder));
  return { payload, trailers: decoder.trailers };
}

function bytewise(text: string): Buffer[] {
  return [...Buffer.from(text)].map((byte) => Buffer.from([byte]));
}

describe('aws-chunked decoder', () => {
  const body = '3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n';

  it('decodes a whole body', async () => {
    const { payload, trailers } = await decode([Buffer.from(body)]);
    expect(payload.toString()).toBe('abcde');
    expect(trailers.get('x-amz-checksum-crc32')).toBe('AAAAAA==');
  });

  it('decodes byte by byte', async () => {
    const { payload, trailers } = await decode(bytewise(body));
    expect(payload.toString()).toBe('abcde');
    expect(trailers.size).toBe(1);
  });

  it.each([
    ['a truncated body', '3\r\nabc\r\n'],
    ['a bad chunk size', 'zz\r\nabc\r\n0\r\n\r\n'],
    ['a long chunk', '2\r\nabc\r\n0\r\n\r\n'],
    ['data after the end', '0\r\n\r\nextra'],
    ['a bare line feed', '3\nabc\r\n0\r\n\r\n'],
  ])('rejects %s', async (_name, text) => {
    const error = await decode([Buffer.from(text)]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).code).toBe('IncompleteBody');
  });
});

describe('checksums', () => {
  it.each([
    ['crc32', 'y/Q5Jg=='],
    ['crc32c', '4waSgw=='],
    ['sha1', '98O8HYCOBHMq32eZZczDTKeuNEE='],
  ] as const)('%s of the check string', (algorithm, expected) => {
    const checksum = createChecksum(algorithm);
    checksum.update(Buffer.from('1234'));
    checksum.update(Buffer.from('56789'));
    expect(checksum.digest()).toBe(expected);
  });
});

describe('copy source header', () => {
  it.each([
    ['bucket/key', 'bucket', 'key'],
    ['/bucket/a/b c', 'bucket', 'a/b c'],
    ['bucket/a%20b%2Bc', 'bucket', 'a b+c'],
    ['bucket/key?versionId=null', 'bucket', 'key'],
  ])('parses %s', (header, bucket, key) => {
    expect(parseCopySource(header)).toEqual({ bucket, key });
  });

  it.each(['bucket', 'bucket/', '../etc/passwd', 'Bad_Bucket/key', 'bucket/%zz'])(
    'rejects %s',
    (header) => {
      expect(() => parseCopySource(header)).toThrow(ServerError);
    },
  );
});

describe('part list', () => {
  it('reads parts and ETags', () => {
    const xml =
      '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      '<Part><ETag>&quot;abc&quot;</ETag><PartNumber>1</PartNumber></Part>' +
      '<Part><PartNumber>2</PartNumber><ChecksumCRC32>x</ChecksumCRC32><ETag>"def"</ETag></Part>' +
      '</CompleteMultipartUpload>';
    expect(parsePartList(xml)).toEqual([
      { number: 1, etag: '"abc"' },
      { number: 2, etag: '"def"' },
    ]);
  });

  it('rejects a part without number', () => {
    expect(() =>
      parsePartList(
        '<CompleteMultipartUpload><Part><ETag>x</ETag></Part></CompleteMultipartUpload>',
      ),
    ).toThrow(/PartNumber/);
  });
});
