import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'prometheus-codec',
    include: ['src/**/*.test.ts'],
  },
});
