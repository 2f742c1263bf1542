import { defineConfig } from 'vitest/config';

// One entry point for every suite in the monorepo: `pnpm vitest` at the root runs all projects in a
// single process (each package's own vitest.config.ts, globalSetup included). CI goes through turbo
// (`pnpm test`), which runs the same configs package by package with caching.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts'],
  },
});
