import { setTimeout as wait } from 'node:timers/promises';

export interface SleepOptions {
  /** Ends the wait early, without an error. */
  signal?: AbortSignal;
  /**
   * Whether the wait keeps the process alive, as a backoff between attempts to store accepted data
   * must. Off by default.
   */
  keepAlive?: boolean;
}

/**
 * Waits `ms`, or less when `signal` aborts. Node's timer removes its abort listener when it fires:
 * a wait repeated for hours (retries, set-up) adds none to the signal.
 */
export async function sleep(ms: number, options: SleepOptions = {}): Promise<void> {
  const { signal, keepAlive = false } = options;
  try {
    await wait(ms, undefined, { ref: keepAlive, ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    if ((error as { name?: unknown }).name !== 'AbortError') throw error;
  }
}

/**
 * Whether `work` settled (resolved or rejected) within `ms`; true at once when there is none. The
 * timer keeps no process alive and is cleared as soon as the work settles.
 */
export async function settlesWithin(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (work === undefined) return true;
  const timer = new AbortController();
  const settled = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, sleep(Math.max(0, ms), { signal: timer.signal }).then(() => false)]);
  } finally {
    timer.abort();
  }
}
