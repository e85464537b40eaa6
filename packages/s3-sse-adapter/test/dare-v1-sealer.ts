import { createCipheriv } from 'node:crypto';

/**
 * Test-only DARE 1.0 writer. The library only reads 1.0; this builds 1.0 packages from the
 * layout (header 0x10, cipher id, length − 1, sequence number, 8 random bytes; nonce = header
 * bytes 4…15; AAD = header bytes 0…3) so the tests can compare against sio's 1.0 output.
 */
export function sealV1Package(
  key: Uint8Array,
  cipherId: number,
  sequenceNumber: number,
  random: Uint8Array,
  payload: Uint8Array,
): Uint8Array {
  const header = Buffer.alloc(16);
  header[0] = 0x10;
  header[1] = cipherId;
  header.writeUInt16LE(payload.length - 1, 2);
  header.writeUInt32LE(sequenceNumber, 4);
  header.set(random.subarray(0, 8), 8);
  const algorithm = cipherId === 0 ? 'aes-256-gcm' : 'chacha20-poly1305';
  const cipher = createCipheriv(algorithm as 'aes-256-gcm', key, header.subarray(4, 16), {
    authTagLength: 16,
  });
  cipher.setAAD(header.subarray(0, 4));
  const body = Buffer.concat([cipher.update(payload), cipher.final()]);
  return new Uint8Array(Buffer.concat([header, body, cipher.getAuthTag()]));
}

/** Seals `plaintext` as a DARE 1.0 stream of 64 KiB packages. */
export function sealV1Stream(
  key: Uint8Array,
  cipherId: number,
  random: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  const packages: Uint8Array[] = [];
  for (let offset = 0, seq = 0; offset < plaintext.length; offset += 65_536, seq++) {
    const payload = plaintext.subarray(offset, offset + 65_536);
    packages.push(sealV1Package(key, cipherId, seq, random, payload));
  }
  return new Uint8Array(Buffer.concat(packages));
}
