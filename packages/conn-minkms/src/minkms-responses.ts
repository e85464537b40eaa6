/** Checks and decodes the bodies of MinKMS responses. */

import { fromBinary, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { InvalidResponseError, type KmsOperation } from '@kmskit/core';
import { type VersionResponse, VersionResponseSchema } from './gen/minio/kms/v1/kms_pb.js';
import {
  decodeFrames,
  decodeResponseFrame,
  MINKMS_COMMANDS,
  type MinkmsCommandName,
  MinkmsFrameError,
} from './minkms-wire.js';

/**
 * Returns the message of a command response: an `application/octet-stream` body of exactly one
 * frame of the command. With `acceptEmpty`, an empty body is accepted too, because MinIO never
 * reads the responses to KEY:CREATE and KEY:DELETE.
 *
 * @throws {InvalidResponseError} for another Content-Type or a malformed frame.
 */
export function parseCommandResponse(
  operation: KmsOperation,
  name: MinkmsCommandName,
  body: Uint8Array,
  contentType: string,
  acceptEmpty: boolean,
): Uint8Array {
  if (acceptEmpty && body.length === 0) return body;
  if (mediaType(contentType) !== 'application/octet-stream') {
    throw new InvalidResponseError(
      `${operation}: MinKMS responded to ${name} with Content-Type ${JSON.stringify(contentType.slice(0, 100))}, expected application/octet-stream`,
    );
  }
  return frameMessage(operation, name, MINKMS_COMMANDS[name], body);
}

function frameMessage(
  operation: KmsOperation,
  name: string,
  command: number,
  body: Uint8Array,
): Uint8Array {
  try {
    return decodeResponseFrame(body, command);
  } catch (caught) {
    if (!(caught instanceof MinkmsFrameError)) throw caught;
    const count = safeFrameCount(body);
    throw new InvalidResponseError(
      `${operation}: malformed MinKMS response to ${name}: ${caught.message}${count === undefined ? '' : ` (${count} frames)`}`,
    );
  }
}

function safeFrameCount(body: Uint8Array): number | undefined {
  try {
    return decodeFrames(body).length;
  } catch {
    return undefined;
  }
}

/** Decodes a protobuf message; a failure is an `InvalidResponseError`. */
export function decodeMessage<T>(operation: KmsOperation, run: () => T): T {
  try {
    return run();
  } catch (cause) {
    throw new InvalidResponseError(
      `${operation}: the MinKMS response message is not valid protobuf: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/** Parses a `/version` response, protobuf or protojson by its Content-Type. */
export function parseVersion(
  operation: KmsOperation,
  body: Uint8Array,
  contentType: string,
): VersionResponse {
  const type = mediaType(contentType);
  if (type === 'application/octet-stream') {
    return decodeMessage(operation, () => fromBinary(VersionResponseSchema, body));
  }
  if (type === 'application/json' || type.endsWith('+json')) {
    return decodeMessage(operation, () =>
      fromJson(VersionResponseSchema, JSON.parse(new TextDecoder().decode(body)) as JsonValue, {
        ignoreUnknownFields: true,
      }),
    );
  }
  throw new InvalidResponseError(
    `${operation}: MinKMS responded to /version with Content-Type ${JSON.stringify(contentType.slice(0, 100))}, expected application/octet-stream or application/json`,
  );
}

function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}
