import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'clickhouse-storage',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    // A real ClickHouse: 100k-span batches and merges take seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
