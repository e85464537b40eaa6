/**
 * CompleteMultipartUpload: checks the client's part list against the uploaded parts, gets the
 * object's encryption entries from the adapter (no KMS call) and concatenates the stored parts
 * into one data file. The multipart ETag is the MD5 of the parts' binary client ETags followed by
 * `-<number of parts>`, as S3 computes it.
 */

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { finished, pipeline } from 'node:stream/promises';
import { escapeXml } from '@kmskit/s3-sse-adapter';
import { invalidRequest, malformedXml, notImplemented, ServerError } from './errors.js';
import { requireUpload } from './multipart-handlers.js';
import type { PartRecord } from './records.js';
import { checksumHeaderNames, readSmallBody } from './request-body.js';
import { quoted, type RequestContext, sendXml } from './request-context.js';

/** S3's minimum size of every part but the last. */
export const MIN_PART_SIZE = 5 * 1024 * 1024;

interface RequestedPart {
  number: number;
  etag: string;
}

/** Handles CompleteMultipartUpload. */
export async function completeMultipartUpload(context: RequestContext): Promise<void> {
  const { store, bucket, key } = context;
  const upload = await requireUpload(context);
  if (checksumHeaderNames(context.request).length > 0) {
    throw notImplemented('CompleteMultipartUpload with a full-object checksum');
  }
  const requested = parsePartList(await readSmallBody(context.request, context.payloadHash));
  const uploaded = await store.readParts(bucket, upload.uploadId);
  const parts = matchParts(requested, uploaded);

  const completed = context.sse.completeMultipartUpload({
    uploadMetadata: upload.internal,
    parts: parts.map(({ number, size }) => ({ number, size })),
    headers: context.request.headers,
  });
  const digest = createHash('md5');
  for (const part of parts) digest.update(Buffer.from(part.clientETag, 'hex'));
  const etag = `${digest.digest('hex')}-${parts.length}`;

  const path = store.tempPath();
  try {
    const output = createWriteStream(path);
    for (const part of parts) {
      await pipeline(createReadStream(store.partPath(bucket, upload.uploadId, part)), output, {
        end: false,
      });
    }
    output.end();
    await finished(output);
    await store.commitObject(
      bucket,
      {
        key,
        size: parts.reduce((sum, part) => sum + part.size, 0),
        etag,
        lastModified: new Date().toISOString(),
        contentType: upload.contentType,
        userMetadata: upload.userMetadata,
        internal: completed.metadata,
        parts: parts.map(({ number, size, etag: partETag }) => ({ number, size, etag: partETag })),
      },
      path,
    );
  } catch (error) {
    await store.discard(path);
    throw error;
  }
  await store.removeUpload(bucket, upload.uploadId);

  sendXml(
    context,
    'CompleteMultipartUploadResult',
    `<Location>/${escapeXml(bucket)}/${escapeXml(key)}</Location><Bucket>${escapeXml(bucket)}</Bucket>` +
      `<Key>${escapeXml(key)}</Key><ETag>${escapeXml(quoted(etag))}</ETag>`,
    completed.responseHeaders,
  );
}

/** Checks the requested parts: ascending numbers, known parts with the ETags the client got. */
function matchParts(requested: RequestedPart[], uploaded: Map<number, PartRecord>): PartRecord[] {
  if (requested.length === 0) throw malformedXml('the part list is empty');
  const parts: PartRecord[] = [];
  for (const [index, { number, etag }] of requested.entries()) {
    if (index > 0 && number <= requested[index - 1]!.number) {
      throw new ServerError(
        'InvalidPartOrder',
        400,
        'The list of parts was not in ascending order. The parts list must be specified in order by part number.',
      );
    }
    const part = uploaded.get(number);
    if (!part || part.clientETag !== etag.replace(/^"|"$/g, '')) {
      throw new ServerError(
        'InvalidPart',
        400,
        `One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag (part ${number}).`,
      );
    }
    parts.push(part);
  }
  for (const part of parts.slice(0, -1)) {
    if (part.plaintextSize < MIN_PART_SIZE) {
      throw new ServerError(
        'EntityTooSmall',
        400,
        `Your proposed upload is smaller than the minimum allowed object size: part ${part.number} has ${part.plaintextSize} bytes, and every part but the last needs at least ${MIN_PART_SIZE}.`,
      );
    }
  }
  return parts;
}

/**
 * Reads the `<Part><PartNumber>…</PartNumber><ETag>…</ETag></Part>` entries of a
 * CompleteMultipartUpload document. Other elements, such as checksums, are ignored.
 */
export function parsePartList(xml: string): RequestedPart[] {
  if (!/<CompleteMultipartUpload[\s>]/.test(xml)) {
    throw malformedXml('the root element must be <CompleteMultipartUpload>');
  }
  const parts: RequestedPart[] = [];
  for (const match of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const body = match[1]!;
    const numberText = /<PartNumber>\s*(\d{1,5})\s*<\/PartNumber>/.exec(body)?.[1];
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(body)?.[1];
    if (numberText === undefined || etag === undefined) {
      throw malformedXml('every <Part> needs a <PartNumber> and an <ETag>');
    }
    parts.push({ number: Number(numberText), etag: decodeEntities(etag.trim()) });
  }
  if (parts.length > 10_000) throw invalidRequest('A multipart upload has at most 10000 parts.');
  return parts;
}

const ENTITIES: Record<string, string> = {
  quot: '"',
  amp: '&',
  lt: '<',
  gt: '>',
  apos: "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-z]+);/g, (whole, name: string) => {
    if (!name.startsWith('#')) return ENTITIES[name] ?? whole;
    const code = name.startsWith('#x') ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}
