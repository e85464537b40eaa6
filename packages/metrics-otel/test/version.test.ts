import { describe, expect, it } from 'vitest';
import packageJson from '../package.json' with { type: 'json' };
import { INSTRUMENTATION_SCOPE, PACKAGE_VERSION } from '../src/index.js';

describe('instrumentation scope', () => {
  it('matches package.json', () => {
    expect(INSTRUMENTATION_SCOPE).toBe(packageJson.name);
    expect(PACKAGE_VERSION).toBe(packageJson.version);
  });
});
