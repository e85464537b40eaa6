import { describe, expect, it } from 'vitest';
import { goPathClean, goPathJoin, objectKmsContext } from '../src/index.js';

// Expected values are Go's path.Clean and path.Join results.
const CLEAN: Array<[string, string]> = [
  ['', '.'],
  ['abc', 'abc'],
  ['a/b/c', 'a/b/c'],
  ['.', '.'],
  ['..', '..'],
  ['../..', '../..'],
  ['../../abc', '../../abc'],
  ['/abc', '/abc'],
  ['/', '/'],
  ['abc/', 'abc'],
  ['./', '.'],
  ['../', '..'],
  ['/abc/', '/abc'],
  ['abc//def//ghi', 'abc/def/ghi'],
  ['//abc', '/abc'],
  ['///abc', '/abc'],
  ['//abc//', '/abc'],
  ['abc/./def', 'abc/def'],
  ['/./abc/def', '/abc/def'],
  ['abc/.', 'abc'],
  ['abc/def/ghi/../jkl', 'abc/def/jkl'],
  ['abc/def/../ghi/../jkl', 'abc/jkl'],
  ['abc/def/..', 'abc'],
  ['abc/def/../..', '.'],
  ['/abc/def/../..', '/'],
  ['abc/def/../../..', '..'],
  ['/abc/def/../../..', '/'],
  ['abc/def/../../../ghi/jkl/../../../mno', '../../mno'],
  ['abc/./../def', 'def'],
  ['abc//./../def', 'def'],
  ['abc/../../././../def', '../../def'],
];

const JOIN: Array<[string[], string]> = [
  [['a', 'b'], 'a/b'],
  [['a', ''], 'a'],
  [['', 'b'], 'b'],
  [['/', 'a'], '/a'],
  [['/', ''], '/'],
  [['a/', 'b'], 'a/b'],
  [['a/', ''], 'a'],
  [['', ''], ''],
  [['bucket', 'a//b/./c/'], 'bucket/a/b/c'],
  [['bucket', '../other/x'], 'other/x'],
  [['bucket', '/abs'], 'bucket/abs'],
  [['bucket', 'ключ/ü'], 'bucket/ключ/ü'],
];

describe('Go path semantics', () => {
  it('cleans like path.Clean', () => {
    for (const [input, expected] of CLEAN) expect(goPathClean(input), input).toBe(expected);
    expect(CLEAN.length).toBe(31);
  });

  it('joins like path.Join', () => {
    for (const [input, expected] of JOIN)
      expect(goPathJoin(...input), input.join(',')).toBe(expected);
  });

  it('builds the object KMS context', () => {
    expect(objectKmsContext('photos', '2024/a.jpg')).toEqual({ photos: 'photos/2024/a.jpg' });
    expect(objectKmsContext('b', 'x/./y', { project: 'p' })).toEqual({ project: 'p', b: 'b/x/y' });
    expect(objectKmsContext('b', 'o', { b: 'mine' })).toEqual({ b: 'mine' });
  });
});
