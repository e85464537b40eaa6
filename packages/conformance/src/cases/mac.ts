/** HMAC-SHA256 with a master key. */

import assert from 'node:assert/strict';
import { KeyNotFoundError } from '@kmskit/core';
import { assertSameBytes, rejectsWith } from '../assertions.js';
import { needs } from '../requirements.js';
import type { ConformanceCase } from '../types.js';

const encoder = new TextEncoder();

/** Cases of the `kms.mac` area. */
export const macCases: readonly ConformanceCase[] = [
  {
    id: 'kms.mac.deterministic',
    title: 'computes a stable 32-byte MAC',
    requires: needs('mac'),
    async run({ kms, key }) {
      const name = await key();
      const message = encoder.encode('root access key');
      const first = await kms.mac({ name, message });
      const second = await kms.mac({ name, message });
      assert.equal(first.length, 32, 'the MAC is 32 bytes');
      assertSameBytes(second, first, 'the same message gives the same MAC');
      const other = await kms.mac({ name, message: encoder.encode('root secret key') });
      assert.notDeepEqual(Buffer.from(other), Buffer.from(first), 'another message, another MAC');
      const empty = await kms.mac({ name, message: new Uint8Array(0) });
      assert.equal(empty.length, 32, 'an empty message has a MAC too');
    },
  },
  {
    id: 'kms.mac.separate-keys',
    title: 'computes different MACs per key',
    requires: needs('mac', 'createKey'),
    async run({ kms, key }) {
      const message = encoder.encode('message');
      const first = await kms.mac({ name: await key('first'), message });
      const second = await kms.mac({ name: await key('second'), message });
      assert.notDeepEqual(Buffer.from(first), Buffer.from(second), 'two keys give two MACs');
    },
  },
  {
    id: 'kms.mac.unknown-key',
    title: 'reports MAC with an unknown key',
    requires: needs('mac'),
    async run({ kms, uniqueName }) {
      await rejectsWith(
        kms.mac({ name: uniqueName('missing'), message: encoder.encode('message') }),
        KeyNotFoundError,
        'mac with an unknown key',
      );
    },
  },
];
