import { setTimeout as sleep } from 'node:timers/promises';
import { ENV, envInteger, TIMEOUT_RANGE } from '../env.js';
import { type ServerName, StackError } from '../errors.js';
import { tailLog } from './log-file.js';
import { type ExitStatus, type SpawnedServer, terminate } from './server-process.js';

export interface WaitForHealthOptions {
  service: ServerName;
  /** Resolves when the server answers like a healthy one; throws with the reason otherwise. */
  probe: () => Promise<void>;
  exited: Promise<ExitStatus>;
  timeoutMs: number;
  logFile: string;
  intervalMs?: number;
}

/** Polls `probe` until it passes; returns the milliseconds it took. */
export async function waitForHealth(options: WaitForHealthOptions): Promise<number> {
  const started = performance.now();
  const deadline = started + options.timeoutMs;
  let exit: ExitStatus | undefined;
  void options.exited.then((status) => {
    exit = status;
  });
  let lastProblem = 'no probe completed yet';
  while (exit === undefined) {
    try {
      await options.probe();
      return Math.round(performance.now() - started);
    } catch (error) {
      lastProblem = describe(error);
    }
    if (performance.now() >= deadline) {
      throw failure(
        options,
        'START_TIMEOUT',
        `did not become healthy within ${options.timeoutMs} ms (last probe: ${lastProblem})`,
      );
    }
    await sleep(options.intervalMs ?? 100);
  }
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  throw failure(options, 'PROCESS_EXITED', `${how} before it became healthy (last probe: ${lastProblem})`);
}

function failure(
  options: WaitForHealthOptions,
  code: 'START_TIMEOUT' | 'PROCESS_EXITED',
  reason: string,
): StackError {
  const tail = tailLog(options.logFile);
  const excerpt = tail ? `\n--- last lines of ${options.logFile} ---\n${tail}` : '';
  return new StackError(code, `${options.service} ${reason}; log: ${options.logFile}${excerpt}`, {
    service: options.service,
    logFile: options.logFile,
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

export interface StartupOptions {
  service: ServerName;
  probe: () => Promise<void>;
  logFile: string;
  /** The caller's start timeout, else FIREFLY_STACK_START_TIMEOUT_MS, else `defaultTimeoutMs`. */
  startTimeoutMs: number | undefined;
  defaultTimeoutMs: number;
  intervalMs?: number;
}

/**
 * Waits until a just-spawned server is healthy and returns the milliseconds it took; if it never
 * is, stops it before rethrowing, so a failed start leaves no process behind.
 */
export async function awaitStartup(server: SpawnedServer, options: StartupOptions): Promise<number> {
  try {
    return await waitForHealth({
      service: options.service,
      probe: options.probe,
      exited: server.exited,
      timeoutMs:
        options.startTimeoutMs ?? envInteger(ENV.startTimeoutMs, TIMEOUT_RANGE) ?? options.defaultTimeoutMs,
      logFile: options.logFile,
      ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    });
  } catch (error) {
    await terminate(server.pid);
    throw error;
  }
}
