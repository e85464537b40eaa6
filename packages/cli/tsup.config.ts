import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    dts: true,
    sourcemap: true,
    // Both configurations build at once: keep the bin entry's files out of the first one's clean.
    clean: ['!bin.js', '!bin.js.map'],
    splitting: false,
  },
  {
    entry: ['src/bin.ts'],
    format: ['esm'],
    target: 'node20',
    dts: false,
    sourcemap: true,
    clean: false,
    splitting: false,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
