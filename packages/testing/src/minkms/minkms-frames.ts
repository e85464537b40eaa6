/**
 * MinKMS command framing for the test server: each frame is a big-endian u16 command id, a
 * big-endian u32 length N and N bytes of protobuf.
 */

/** Command ids of the MinKMS API, as the MinIO KMS Go SDK numbers them. */
export const MINKMS_SERVER_COMMANDS = {
  'KEY:CREATE': 201,
  'KEY:DELETE': 202,
  'KEY:IMPORT': 203,
  'KEY:STATUS': 204,
  'KEY:ENCRYPT': 205,
  'KEY:DECRYPT': 206,
  'KEY:GENERATE': 207,
  'KEY:LIST': 208,
  'KEY:MAC': 210,
} as const;

/** A command name such as `KEY:GENERATE`. */
export type MinkmsServerCommand = keyof typeof MINKMS_SERVER_COMMANDS;

/** One frame. */
export interface Frame {
  command: number;
  message: Uint8Array;
}

/** Splits a body into frames; returns `undefined` when it is cut short. */
export function splitFrames(body: Buffer): Frame[] | undefined {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 6) return undefined;
    const command = body.readUInt16BE(offset);
    const length = body.readUInt32BE(offset + 2);
    if (length > body.length - offset - 6) return undefined;
    frames.push({ command, message: body.subarray(offset + 6, offset + 6 + length) });
    offset += 6 + length;
  }
  return frames;
}

/** Joins frames into one body. */
export function joinFrames(frames: readonly Frame[]): Buffer {
  const parts: Buffer[] = [];
  for (const frame of frames) {
    const header = Buffer.alloc(6);
    header.writeUInt16BE(frame.command);
    header.writeUInt32BE(frame.message.length, 2);
    parts.push(
      header,
      Buffer.from(frame.message.buffer, frame.message.byteOffset, frame.message.byteLength),
    );
  }
  return Buffer.concat(parts);
}
