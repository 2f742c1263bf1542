import { createRequire } from 'node:module';

// The layer bundle defines this at build time; from dist/ the package.json beside it is read.
declare const __FIREFLY_VERSION__: string | undefined;

export const VERSION: string =
  typeof __FIREFLY_VERSION__ === 'string'
    ? __FIREFLY_VERSION__
    : (createRequire(import.meta.url)('../package.json') as { version: string }).version;

export const SCOPE_NAME = '@firefly/instrumentation';
