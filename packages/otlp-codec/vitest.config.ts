import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'otlp-codec',
    include: ['src/**/*.test.ts'],
  },
});
