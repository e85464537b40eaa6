/**
 * The flexible checksums S3 clients send with uploads (`x-amz-checksum-<algorithm>`, base64 of the
 * big-endian digest). The AWS SDK for JavaScript v3 (3.1178) sends CRC32 unless configured otherwise.
 */

import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** A running checksum. */
export interface Checksum {
  update(data: Uint8Array): void;
  /** Returns the digest in base64, as the header carries it. */
  digest(): string;
}

/** The algorithms this server verifies, by the suffix of their header name. */
export const CHECKSUM_ALGORITHMS = ['crc32', 'crc32c', 'sha1', 'sha256'] as const;

/** One of `CHECKSUM_ALGORITHMS`. */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Creates a running checksum of `algorithm`. */
export function createChecksum(algorithm: ChecksumAlgorithm): Checksum {
  switch (algorithm) {
    case 'crc32':
      return crcChecksum((data, value) => crc32(data, value));
    case 'crc32c':
      return crcChecksum(crc32c);
    case 'sha1':
    case 'sha256': {
      const hash = createHash(algorithm);
      return { update: (data) => hash.update(data), digest: () => hash.digest('base64') };
    }
  }
}

function crcChecksum(step: (data: Uint8Array, value: number) => number): Checksum {
  let value = 0;
  return {
    update: (data) => {
      value = step(data, value);
    },
    digest: () => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32BE(value >>> 0);
      return bytes.toString('base64');
    },
  };
}

/** CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), which node:zlib does not offer. */
const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32c(data: Uint8Array, value: number): number {
  let crc = ~value >>> 0;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
