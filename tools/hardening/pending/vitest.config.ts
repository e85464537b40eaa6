import { defineConfig } from 'vitest/config';

// Runs the pending reproductions only: `npx vitest run --config pending/vitest.config.ts`.
export default defineConfig({
  test: {
    root: 'pending',
    include: ['*.test.ts'],
    testTimeout: 30_000,
  },
});
