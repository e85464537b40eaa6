/**
 * The MinKMS command framing and URLs.
 *
 * A command body (`POST /v1/kms/<enclave>`) is one or more frames, and a response uses the same
 * framing with the same command id:
 *
 * | offset | length | content                          |
 * | ------ | ------ | -------------------------------- |
 * | 0      | 2      | command id, big-endian (u16)     |
 * | 2      | 4      | message length N, big-endian (u32) |
 * | 6      | N      | the protobuf message             |
 *
 * A command without a message is the 6-byte header with N = 0.
 */

/** Command ids of the MinKMS API that kmskit uses, as the MinIO KMS Go SDK numbers them. */
export const MINKMS_COMMANDS = {
  'KEY:CREATE': 201,
  'KEY:DELETE': 202,
  'KEY:IMPORT': 203,
  'KEY:STATUS': 204,
  'KEY:ENCRYPT': 205,
  'KEY:DECRYPT': 206,
  'KEY:GENERATE': 207,
  'KEY:LIST': 208,
  'KEY:LISTVERSIONS': 209,
  'KEY:MAC': 210,
} as const;

/** A command name such as `KEY:GENERATE`. */
export type MinkmsCommandName = keyof typeof MINKMS_COMMANDS;

/** One frame: a command id and its protobuf message bytes. */
export interface MinkmsFrame {
  /** The command id, such as 207 for `KEY:GENERATE`. */
  command: number;
  /** The encoded protobuf message, empty for a command without one. */
  message: Uint8Array;
}

const HEADER_LENGTH = 6;
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;

/** A body that does not follow the frame layout. */
export class MinkmsFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MinkmsFrameError';
  }
}

/** Encodes frames into one body, in order. */
export function encodeFrames(frames: readonly MinkmsFrame[]): Uint8Array {
  let total = 0;
  for (const frame of frames) {
    if (!Number.isInteger(frame.command) || frame.command < 0 || frame.command > MAX_U16) {
      throw new RangeError(
        `invalid MinKMS command id ${frame.command}: expected an integer from 0 to ${MAX_U16}`,
      );
    }
    if (frame.message.length > MAX_U32) {
      throw new RangeError(
        `MinKMS message of ${frame.message.length} bytes is too long for one frame`,
      );
    }
    total += HEADER_LENGTH + frame.message.length;
  }

  const body = new Uint8Array(total);
  const view = new DataView(body.buffer);
  let offset = 0;
  for (const frame of frames) {
    view.setUint16(offset, frame.command);
    view.setUint32(offset + 2, frame.message.length);
    body.set(frame.message, offset + HEADER_LENGTH);
    offset += HEADER_LENGTH + frame.message.length;
  }
  return body;
}

/** Encodes one frame. */
export function encodeFrame(command: number, message: Uint8Array): Uint8Array {
  return encodeFrames([{ command, message }]);
}

/**
 * Splits a body into its frames. The messages are views into `body`, not copies.
 *
 * @throws {MinkmsFrameError} when a header is cut short or a length runs past the end.
 */
export function decodeFrames(body: Uint8Array): MinkmsFrame[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const frames: MinkmsFrame[] = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < HEADER_LENGTH) {
      throw new MinkmsFrameError(
        `truncated frame header: ${body.length - offset} bytes at offset ${offset}, expected ${HEADER_LENGTH}`,
      );
    }
    const command = view.getUint16(offset);
    const length = view.getUint32(offset + 2);
    const start = offset + HEADER_LENGTH;
    if (length > body.length - start) {
      throw new MinkmsFrameError(
        `frame of command ${command} declares ${length} bytes but only ${body.length - start} follow`,
      );
    }
    frames.push({ command, message: body.subarray(start, start + length) });
    offset = start + length;
  }
  return frames;
}

/**
 * Returns the message of a body that must hold exactly one frame of `command`, as the MinIO KMS
 * Go SDK v0.4.0 requires: a different command id or trailing data is an error.
 *
 * @throws {MinkmsFrameError} when the body is not exactly one frame of that command.
 */
export function decodeResponseFrame(body: Uint8Array, command: number): Uint8Array {
  const frames = decodeFrames(body);
  if (frames.length === 0) {
    throw new MinkmsFrameError(`empty body, expected one frame of command ${command}`);
  }
  if (frames.length > 1) {
    throw new MinkmsFrameError(`${frames.length} frames, expected one frame of command ${command}`);
  }
  const [frame] = frames as [MinkmsFrame];
  if (frame.command !== command) {
    throw new MinkmsFrameError(`frame of command ${frame.command}, expected command ${command}`);
  }
  return frame.message;
}

/**
 * Normalises a MinKMS endpoint as the MinIO KMS Go SDK does: surrounding spaces and a leading
 * `http://` or `https://` are removed and the host is always reached over HTTPS. Returns the
 * origin, such as `https://127.0.0.1:7373`.
 *
 * @throws {TypeError} when the rest is not a host with an optional port.
 */
export function normalizeEndpoint(endpoint: string): string {
  if (typeof endpoint !== 'string') {
    throw new TypeError(
      `invalid MinKMS endpoint: expected a string such as '127.0.0.1:7373', got ${typeof endpoint}`,
    );
  }
  const host = endpoint.trim().replace(/^https?:\/\//i, '');
  let url: URL | undefined;
  try {
    url = new URL(`https://${host}`);
  } catch {
    url = undefined;
  }
  const plain =
    url !== undefined &&
    host !== '' &&
    url.username === '' &&
    url.password === '' &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    !host.includes('?') &&
    !host.includes('#') &&
    !host.replace(/\/$/, '').includes('/');
  if (!plain) {
    throw new TypeError(
      `invalid MinKMS endpoint ${JSON.stringify(endpoint)}: use a host and port such as '127.0.0.1:7373' or 'https://kms.example.com:7373', without a path or credentials`,
    );
  }
  return url!.origin;
}

/**
 * Returns the command URL of an enclave, as Go's `url.JoinPath(origin, "/v1/kms/", enclave)`
 * builds it: `https://host:7373/v1/kms/<enclave>`, and `…/v1/kms` for the empty enclave. The
 * enclave must be validated first, because a `/` in it would be kept as a path separator.
 */
export function commandUrl(origin: string, enclave: string): string {
  return enclave === '' ? `${origin}/v1/kms` : `${origin}/v1/kms/${encodeURIComponent(enclave)}`;
}

/** Returns the version URL of an endpoint: `https://host:7373/version`. */
export function versionUrl(origin: string): string {
  return `${origin}/version`;
}
