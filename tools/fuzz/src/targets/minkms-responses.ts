/**
 * MinKMS responses: the real MinKMS connector against the MinKMS test server, whose answer to a
 * command (or `/version`) is replaced by an arbitrary status, content type and body, mostly frames
 * of raw protobuf fields. Every call must return a valid result or a `KmsError` within its deadline.
 */

import { encodeMinkmsFrames, MINKMS_COMMANDS } from '@kmskit/conn-minkms';
import type { MinkmsTestServer } from '@kmskit/testing';
import fc from 'fast-check';
import { encodeProto, mutate, mutationArbitrary, protoMessage } from '../fixtures.js';
import { attemptAsync, ensure, withinTime } from '../outcome.js';
import {
  CALL_TIMEOUT_MS,
  callOperation,
  OPERATIONS,
  type Operation,
  type Served,
  serveMinkms,
} from '../servers.js';
import { defineTarget } from '../target.js';

const COMMANDS: Record<Operation, number | undefined> = {
  generateKey: MINKMS_COMMANDS['KEY:GENERATE'],
  decrypt: MINKMS_COMMANDS['KEY:DECRYPT'],
  mac: MINKMS_COMMANDS['KEY:MAC'],
  listKeys: MINKMS_COMMANDS['KEY:LIST'],
  createKey: MINKMS_COMMANDS['KEY:CREATE'],
  deleteKey: MINKMS_COMMANDS['KEY:DELETE'],
  version: undefined,
  status: undefined,
};

const body = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('frames' as const),
      frames: fc.array(
        fc.tuple(
          fc.oneof(
            { weight: 4, arbitrary: fc.constant(-1) },
            { weight: 1, arbitrary: fc.nat(0xffff) },
          ),
          protoMessage,
        ),
        { minLength: 1, maxLength: 2 },
      ),
      mutation: fc.oneof(
        { weight: 4, arbitrary: fc.constant({ kind: 'none' as const }) },
        { weight: 1, arbitrary: mutationArbitrary },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('json' as const),
      text: fc.oneof(
        fc.json({ maxDepth: 2 }),
        fc.constantFrom('{"version":"v1"}', '{"version":1}', ''),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('bytes' as const),
      bytes: fc.uint8Array({ maxLength: 80 }),
    }),
  },
);
const contentType = fc.oneof(
  fc.constantFrom(
    'application/octet-stream',
    'application/x-protobuf',
    'application/json',
    'text/plain',
    '',
  ),
  fc.stringMatching(/^[a-z/+.;= -]{0,20}$/),
);
const status = fc.oneof(
  { weight: 4, arbitrary: fc.constant(200) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }) },
  { weight: 1, arbitrary: fc.constantFrom(400, 403, 404, 409, 500, 501, 502, 503) },
);

let served: Served<MinkmsTestServer> | undefined;

export const minkmsResponses = defineTarget({
  name: 'minkms-responses',
  seededRuns: 500,
  timeoutMs: CALL_TIMEOUT_MS + 3_000,
  arbitrary: fc.record({ operation: fc.constantFrom(...OPERATIONS), status, contentType, body }),
  async setup() {
    served = await serveMinkms();
  },
  async teardown() {
    await served?.close();
    served = undefined;
  },
  async check(input) {
    if (!served) throw new Error('minkms-responses: setup() was not called');
    const current = served;
    const command = COMMANDS[input.operation];
    let bytes: Uint8Array;
    if (input.body.kind === 'frames') {
      const frames = input.body.frames.map(([id, fields]) => ({
        command: id === -1 ? (command ?? 0) : id,
        message: encodeProto(fields),
      }));
      bytes = mutate(encodeMinkmsFrames(frames), input.body.mutation);
    } else {
      bytes =
        input.body.kind === 'json' ? new TextEncoder().encode(input.body.text) : input.body.bytes;
    }
    const fault = current.server.inject(
      { type: 'response', status: input.status, contentType: input.contentType, body: bytes },
      { route: command === undefined ? 'version' : 'command' },
    );
    try {
      const result = await withinTime(
        attemptAsync(() => callOperation(current, input.operation), ['kms']),
        CALL_TIMEOUT_MS + 2_000,
        input.operation,
      );
      if (input.operation === 'mac' && result !== undefined)
        ensure((result as Uint8Array).length === 32, 'a MAC is not 32 bytes');
    } finally {
      fault.remove();
    }
  },
});
