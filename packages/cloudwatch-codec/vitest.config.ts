import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'cloudwatch-codec',
    include: ['src/**/*.test.ts'],
  },
});
