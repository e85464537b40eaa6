import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDareDecryptTransform, encryptDare } from '@kmskit/s3-sse-adapter';
import { expect, it } from 'vitest';

// Owner: @kmskit/s3-sse-adapter (src/dare/node-streams.ts). When `push` reports backpressure in
// the middle of a written chunk, the transform waits for `_read`; with an async-iterator consumer
// (`for await`, or a generator as the last stage of `pipeline`) that call never comes, so the
// stream stalls after the first 64 KiB package with the rest of the chunk unconsumed. A Writable
// or 'data' consumer does not stall. Found by the dare-stream fuzz target.
it('decrypt transform feeds for-await consumers', async () => {
  const key = new Uint8Array(32).fill(7);
  const sealed = encryptDare(key, new Uint8Array(70_000), { nonce: new Uint8Array(12) });
  const chunks = [sealed.slice(0, 46), sealed.slice(46, 46 + 69_643), sealed.slice(46 + 69_643)];
  let received = 0;
  const done = pipeline(Readable.from(chunks), createDareDecryptTransform(key), async (source) => {
    for await (const part of source) received += (part as Buffer).length;
  });
  const outcome = await Promise.race([
    done.then(() => 'finished'),
    new Promise((resolve) => setTimeout(() => resolve('stalled'), 2_000)),
  ]);
  expect(outcome).toBe('finished');
  expect(received).toBe(70_000);
});
