import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENV, envString } from './env.js';

/** Where the dev stack keeps everything of one project. All of it is safe to delete. */
export interface StackLayout {
  /** `<project>/.firefly` unless FIREFLY_STACK_HOME or an explicit home says otherwise. */
  readonly home: string;
  /** Downloaded artifacts shared by every instance (the Kafka jars); FIREFLY_STACK_CACHE moves it. */
  readonly cacheDir: string;
  /** The long-lived stack that `firefly-stack up` manages: one folder per server. */
  readonly stackDir: string;
  /** Short-lived instances started by test runs; removed when the run ends. */
  readonly tmpDir: string;
  /** Pids, ports and URLs of the servers `firefly-stack up` started. */
  readonly stateFile: string;
}

const PROJECT_MARKERS = ['pnpm-workspace.yaml', '.git'];

/** The nearest folder at or above `from` that holds a workspace file or a git checkout. */
export function findProjectRoot(from: string = process.cwd()): string {
  for (const marker of PROJECT_MARKERS) {
    let dir = resolve(from);
    for (;;) {
      if (existsSync(join(dir, marker))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return resolve(from);
}

export function stackLayout(home?: string): StackLayout {
  const root = resolve(home ?? envString(ENV.home) ?? join(findProjectRoot(), '.firefly'));
  return {
    home: root,
    cacheDir: resolve(envString(ENV.cache) ?? join(root, 'cache')),
    stackDir: join(root, 'stack'),
    tmpDir: join(root, 'tmp'),
    stateFile: join(root, 'stack', 'state.json'),
  };
}

/** Files shipped with the package (the Python launcher, the Kafka pom), found from dist/ or src/. */
export function packageFile(...parts: string[]): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', ...parts);
}
