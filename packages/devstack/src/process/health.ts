import { setTimeout as sleep } from 'node:timers/promises';
import { type ServerName, StackError } from '../errors.js';
import { tailLog } from './log-file.js';
import type { ExitStatus } from './server-process.js';

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
