import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'storage-conformance',
    include: ['src/**/*.test.ts'],
  },
});
