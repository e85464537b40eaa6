import { describe, expect, it } from 'vitest';
import { InvalidRangeError, parseRangeHeader, resolveRange } from '../src/range/index.js';

function invalid(run: () => unknown): InvalidRangeError {
  try {
    run();
  } catch (error) {
    expect(InvalidRangeError.isInstance(error)).toBe(true);
    return error as InvalidRangeError;
  }
  throw new Error('expected an InvalidRangeError');
}

describe('parseRangeHeader', () => {
  it('parses three range forms', () => {
    expect(parseRangeHeader('bytes=2-9')).toEqual({
      type: 'from',
      start: 2,
      end: 9,
      header: 'bytes=2-9',
    });
    expect(parseRangeHeader('bytes=5-')).toEqual({ type: 'from', start: 5, header: 'bytes=5-' });
    expect(parseRangeHeader('bytes=-8')).toEqual({ type: 'suffix', length: 8, header: 'bytes=-8' });
  });

  it('absent header means none', () => {
    expect(parseRangeHeader(undefined)).toBeUndefined();
    expect(parseRangeHeader(null)).toBeUndefined();
    expect(parseRangeHeader('')).toBeUndefined();
  });

  it('ignores syntax S3 ignores', () => {
    for (const header of [
      'items=0-5',
      'bytes=5',
      'bytes=-',
      'bytes=+1-5',
      'bytes=1-+5',
      'bytes=0-1,3-4',
      'bytes= 0-1',
      'bytes=a-b',
      'bytes=1--5',
      'bytes=9223372036854775808-',
    ]) {
      expect(parseRangeHeader(header), header).toBeUndefined();
    }
  });

  it('rejects reversed and zero suffix', () => {
    const reversed = invalid(() => parseRangeHeader('bytes=9-2'));
    expect(reversed.status).toBe(416);
    expect(reversed.code).toBe('InvalidRange');
    expect(reversed.message).toContain('bytes=9-2');
    invalid(() => parseRangeHeader('bytes=-0'));
  });

  it('accepts int64 maximum', () => {
    expect(parseRangeHeader('bytes=9223372036854775807-')?.type).toBe('from');
  });
});

describe('resolveRange', () => {
  it('clamps end to size', () => {
    expect(resolveRange(parseRangeHeader('bytes=10-999'), 100)).toEqual({ offset: 10, length: 90 });
    expect(resolveRange(parseRangeHeader('bytes=10-'), 100)).toEqual({ offset: 10, length: 90 });
  });

  it('suffix longer than object', () => {
    expect(resolveRange(parseRangeHeader('bytes=-500'), 100)).toEqual({ offset: 0, length: 100 });
    expect(resolveRange(parseRangeHeader('bytes=-5'), 100)).toEqual({ offset: 95, length: 5 });
    expect(resolveRange(parseRangeHeader('bytes=-5'), 0)).toEqual({ offset: 0, length: 0 });
  });

  it('start past end 416', () => {
    const error = invalid(() => resolveRange(parseRangeHeader('bytes=100-'), 100));
    expect(error.size).toBe(100);
    invalid(() => resolveRange(parseRangeHeader('bytes=0-0'), 0));
    invalid(() => resolveRange(parseRangeHeader('bytes=9223372036854775807-'), 100));
  });

  it('no range whole object', () => {
    expect(resolveRange(undefined, 42)).toEqual({ offset: 0, length: 42 });
  });
});
