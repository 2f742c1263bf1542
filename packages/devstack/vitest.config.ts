import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'devstack',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    // Real servers: JVM start, 100k-row inserts and restarts take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
