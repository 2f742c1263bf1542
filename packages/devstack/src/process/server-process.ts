import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ENV, envString } from '../env.js';
import { type ServerName, StackError } from '../errors.js';
import { packageFile } from '../paths.js';
import { closeLog, openLog } from './log-file.js';
import { anyProcessInGroup, INSTANCE_ENV, isRunning, SERVICE_ENV } from './procfs.js';

/**
 * `attached`: the server dies with the process that started it (tests, `up --foreground`).
 * `detached`: the server outlives it and is stopped by pid (`firefly-stack up` / `down`).
 */
export type Lifetime = 'attached' | 'detached';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedServer {
  readonly pid: number;
  /** Settles when the process exits; only the process that spawned it can observe this. */
  readonly exited: Promise<ExitStatus>;
}

export interface SpawnServerOptions {
  service: ServerName;
  /** What the Python launcher runs: `['clickhouse', lib, '--', ...]` or `['exec', '--', ...]`. */
  launch: string[];
  logFile: string;
  lifetime: Lifetime;
  /** The server's own folder; recorded in its environment so strays can always be found. */
  instance: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function pythonExecutable(explicit?: string): string {
  return explicit ?? envString(ENV.python) ?? 'python3';
}

/** Starts a server through native/launch.py with its output appended to `logFile`. */
export function spawnServer(options: SpawnServerOptions, python?: string): Promise<SpawnedServer> {
  const executable = pythonExecutable(python);
  const parent = options.lifetime === 'attached' ? ['--die-with-parent', String(process.pid)] : [];
  const args = [packageFile('native', 'launch.py'), ...parent, ...options.launch];
  const fd = openLog(options.logFile, `starting ${options.service}: ${executable} ${args.join(' ')}`);
  try {
    // Its own process group, so stopping reaches everything it may fork and a Ctrl-C aimed at a
    // foreground CLI does not hit the servers before the CLI can stop them in order.
    const child = spawn(executable, args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      env: {
        ...process.env,
        ...options.env,
        [INSTANCE_ENV]: options.instance,
        [SERVICE_ENV]: options.service,
      },
    });
    child.unref();
    const exited = new Promise<ExitStatus>((resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
    });
    return new Promise((resolveSpawn, reject) => {
      child.once('spawn', () => resolveSpawn({ pid: child.pid as number, exited }));
      child.once('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT';
        reject(
          new StackError(
            missing ? 'PREREQUISITE_MISSING' : 'COMMAND_FAILED',
            missing
              ? `${options.service}: "${executable}" was not found; install Python 3 or set ${ENV.python}`
              : `${options.service}: could not start "${executable}": ${error.message}`,
            { service: options.service, logFile: options.logFile, cause: error },
          ),
        );
      });
    });
  } finally {
    closeLog(fd);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * True while the server or anything it forked into its process group still runs. The leader may
 * exit first: e.g. a pyenv `python3` shim dies on SIGTERM while a helper it forked still has the
 * signal blocked, and that helper carries the server's marker until it exits too.
 */
function groupRunning(pid: number): boolean {
  return isRunning(pid) || anyProcessInGroup(pid);
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (groupRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(25);
  }
  return true;
}

/**
 * SIGTERM to the server's process group, SIGKILL after `graceMs`; returns once no process of the
 * group runs any more, not merely its leader. Idempotent.
 */
export async function terminate(pid: number, graceMs = 15_000): Promise<void> {
  if (!groupRunning(pid)) return;
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  signalGroup(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) {
    throw new Error(`process group ${pid} survived SIGKILL for 5 s`);
  }
}
