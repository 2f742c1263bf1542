import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'instrumentation',
    include: ['src/**/*.test.ts'],
    // Fuzz-style suites do real work; CI runs several packages at once on 2 cores. A hang, not a
    // slow machine, is what a timeout is for.
    testTimeout: 60_000,
  },
});
