import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'collector',
    include: ['src/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    // Real Kafka, ClickHouse and Prometheus: consumer group joins and end-to-end checks take seconds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
