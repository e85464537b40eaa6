import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Runs the pending reproductions only: `npx vitest run --config pending/vitest.config.ts`.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['pending/*.test.ts'],
    testTimeout: 30_000,
  },
});
