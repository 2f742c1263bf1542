import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ENV, envString } from '../env.js';
import { StackError } from '../errors.js';

/** The chdb platform package that carries libchdb.so for this machine, if chdb publishes one. */
export function libchdbPackage(platform: string = process.platform, arch: string = process.arch): string {
  if (platform === 'linux' && arch === 'x64') return '@chdb/lib-linux-x64-gnu';
  throw new StackError(
    'PREREQUISITE_MISSING',
    `clickhouse: the dev stack runs ClickHouse from chdb's libchdb.so, installed for linux x64 (glibc); ` +
      `this machine is ${platform}/${arch}. Set ${ENV.libchdb} to a libchdb.so built for it.`,
    { service: 'clickhouse' },
  );
}

/** Absolute path of libchdb.so: FIREFLY_STACK_LIBCHDB, else the installed platform package. */
export function resolveLibchdb(explicit?: string): string {
  const configured = explicit ?? envString(ENV.libchdb);
  if (configured !== undefined) {
    if (existsSync(configured)) return configured;
    throw new StackError(
      'PREREQUISITE_MISSING',
      `clickhouse: ${ENV.libchdb} points to a missing file: ${configured}`,
      {
        service: 'clickhouse',
      },
    );
  }
  const pkg = libchdbPackage();
  try {
    const manifest = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
    const library = join(dirname(manifest), 'libchdb.so');
    if (existsSync(library)) return library;
  } catch {
    // fall through to the error below
  }
  throw new StackError(
    'PREREQUISITE_MISSING',
    `clickhouse: ${pkg} is not installed (it is an optional dependency of @firefly/devstack); ` +
      `run "pnpm install" on this machine or set ${ENV.libchdb}`,
    { service: 'clickhouse' },
  );
}
