import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceName } from './errors.js';
import { isRunning } from './process/procfs.js';

/** What `firefly-stack up` remembers about a server it started. */
export interface ServiceRecord {
  pid: number;
  endpoint: string;
  dir: string;
  dataDir: string;
  logFile: string;
  startedAt: string;
  startupMs: number;
  lifetime: 'attached' | 'detached';
}

export interface StackState {
  version: 1;
  services: Partial<Record<ServiceName, ServiceRecord>>;
}

export function readState(file: string): StackState {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as StackState;
    if (parsed.version === 1 && typeof parsed.services === 'object' && parsed.services) return parsed;
  } catch {
    // missing or unreadable: nothing is known to run
  }
  return { version: 1, services: {} };
}

export function writeState(file: string, state: StackState): void {
  mkdirSync(dirname(file), { recursive: true });
  const staging = `${file}.${process.pid}.tmp`;
  writeFileSync(staging, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(staging, file);
}

/** Runs `work` while holding an exclusive lock file next to the state, so two CLIs never race. */
export async function withStateLock<T>(
  file: string,
  work: () => Promise<T>,
  timeoutMs = 120_000,
): Promise<T> {
  const lock = join(dirname(file), '.lock');
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSafe(lock));
      if (!Number.isInteger(holder) || holder <= 0 || !isRunning(holder)) {
        rmSync(lock, { force: true }); // left by a process that died holding it
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another firefly-stack (pid ${holder}) holds ${lock}`);
      await sleep(100);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}
