import { decodeContext, encodeContext } from '@kmskit/core';
import { expect, it } from 'vitest';

// Owner: @kmskit/core. decodeContext assigns each key to a plain object, so the key `__proto__`
// sets the prototype instead and disappears. Go's map keeps it, so a context with that key does
// not survive decode → encode, and the re-encoded associated data differs from MinIO's.
it('decodeContext keeps __proto__ key', () => {
  const bytes = new TextEncoder().encode('{"__proto__":"x","a":"b"}');
  const decoded = decodeContext(bytes);
  expect(Object.keys(decoded)).toEqual(['__proto__', 'a']);
  expect(new TextDecoder().decode(encodeContext(decoded))).toBe('{"__proto__":"x","a":"b"}');
});
