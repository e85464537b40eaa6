import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node20',
  dts: false,
  sourcemap: true,
  clean: true,
  splitting: false,
  // The packages under test and fast-check are imported at run time, never bundled.
  external: [/^@kmskit\//, 'fast-check'],
});
