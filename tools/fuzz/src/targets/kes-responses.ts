/**
 * KES responses: the real KES connector against the KES test server, whose answer to one API is
 * replaced by an arbitrary status, content type and body. Every call must return a valid result
 * or a `KmsError`, within its deadline.
 */

import type { KesTestServer } from '@kmskit/testing';
import fc from 'fast-check';
import { attemptAsync, ensure, withinTime } from '../outcome.js';
import {
  CALL_TIMEOUT_MS,
  callOperation,
  OPERATIONS,
  type Operation,
  type Served,
  serveKes,
} from '../servers.js';
import { defineTarget } from '../target.js';

const PATHS: Record<Operation, string> = {
  generateKey: '/v1/key/generate/',
  decrypt: '/v1/key/decrypt/',
  mac: '/v1/key/hmac/',
  listKeys: '/v1/key/list',
  version: '/version',
  status: '/',
  createKey: '/v1/key/create/',
  deleteKey: '/v1/key/delete/',
};

const base64Of = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Buffer.from(b).toString('base64'));
const fieldValue = fc.oneof(
  base64Of(32, 32),
  base64Of(0, 80),
  fc.jsonValue({ maxDepth: 1 }),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
);
const shapedObject = fc
  .uniqueArray(
    fc.tuple(
      fc.constantFrom(
        'plaintext',
        'ciphertext',
        'hmac',
        'names',
        'continue_at',
        'version',
        'commit',
        'message',
        'error',
        'name',
      ),
      fieldValue,
    ),
    {
      maxLength: 4,
      selector: ([key]) => key,
    },
  )
  .map((entries) => JSON.stringify(Object.fromEntries(entries)));
const body = fc.oneof(
  { weight: 4, arbitrary: shapedObject },
  {
    weight: 1,
    arbitrary: fc.array(shapedObject, { maxLength: 4 }).map((lines) => lines.join('\n')),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('', '{', '{"plaintext":', 'null', '[]', '"x"', '\u0000', '{}\n{}'),
  },
);
const contentType = fc.oneof(
  fc.constantFrom(
    'application/json',
    'application/x-ndjson',
    'text/plain',
    '',
    'application/json; charset=utf-8',
    'text/html',
  ),
  fc.stringMatching(/^[a-z/+.;= -]{0,20}$/),
);
const status = fc.oneof(
  { weight: 4, arbitrary: fc.constant(200) },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }) },
  { weight: 1, arbitrary: fc.constantFrom(400, 403, 404, 500, 501, 502, 503) },
);

let served: Served<KesTestServer> | undefined;

export const kesResponses = defineTarget({
  name: 'kes-responses',
  seededRuns: 500,
  timeoutMs: CALL_TIMEOUT_MS + 3_000,
  arbitrary: fc.record({ operation: fc.constantFrom(...OPERATIONS), status, contentType, body }),
  async setup() {
    served = await serveKes();
  },
  async teardown() {
    await served?.close();
    served = undefined;
  },
  async check(input) {
    if (!served) throw new Error('kes-responses: setup() was not called');
    const current = served;
    const fault = current.server.inject(
      { kind: 'status', status: input.status, body: input.body, contentType: input.contentType },
      { path: PATHS[input.operation] },
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
