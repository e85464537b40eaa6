/**
 * `decodeMinkmsFrames`: any bytes split into frames or fail with `MinkmsFrameError`, and the frames
 * encode back to exactly the input.
 */

import { decodeMinkmsFrames, encodeMinkmsFrames, MinkmsFrameError } from '@kmskit/conn-minkms';
import fc from 'fast-check';
import { encodeProto, mutate, mutationArbitrary, protoMessage } from '../fixtures.js';
import { ensure, sameBytes, UnexpectedOutcome } from '../outcome.js';
import { defineTarget } from '../target.js';

const framed = fc
  .tuple(
    fc.array(fc.tuple(fc.oneof(fc.integer({ min: 201, max: 210 }), fc.nat(0xffff)), protoMessage), {
      maxLength: 3,
    }),
    mutationArbitrary,
  )
  .map(([frames, mutation]) =>
    mutate(
      encodeMinkmsFrames(
        frames.map(([command, fields]) => ({ command, message: encodeProto(fields) })),
      ),
      mutation,
    ),
  );

export const minkmsFrames = defineTarget<Uint8Array>({
  name: 'minkms-frames',
  seededRuns: 5000,
  arbitrary: fc.oneof(framed, fc.uint8Array({ maxLength: 64 })),
  check(body) {
    let frames: ReturnType<typeof decodeMinkmsFrames>;
    try {
      frames = decodeMinkmsFrames(body);
    } catch (error) {
      if (error instanceof MinkmsFrameError) return;
      throw new UnexpectedOutcome(
        'decodeMinkmsFrames threw something other than MinkmsFrameError',
        { cause: error },
      );
    }
    ensure(
      sameBytes(encodeMinkmsFrames(frames), body),
      'the frames do not encode back to the input',
    );
  },
});
