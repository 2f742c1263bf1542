/** AWS may initialize an environment ahead of demand; an invocation that long after init did not wait for it. */
const PROACTIVE_INIT_AFTER_MS = 10_000;

/**
 * Tells whether an invocation paid for the environment's initialization: only the first one, and
 * not when the environment was initialized ahead of time (provisioned concurrency, or AWS's
 * proactive initialization, seen as a first invocation long after init).
 */
export class ColdStart {
  private first = true;
  /** `performance.now()` when the handler was ready: the init duration, the process having started at 0. */
  private readyAt: number;

  constructor(private readonly initializationType: string | undefined) {
    this.readyAt = performance.now();
  }

  /** The function's handler is loaded (called by `wrap()`). */
  markReady(): void {
    if (this.first) this.readyAt = performance.now();
  }

  /** Call once per invocation: `coldStart` for the caller's view, `initDurationMs` on the environment's first. */
  next(now: number): { coldStart: boolean; initDurationMs: number | undefined } {
    if (!this.first) return { coldStart: false, initDurationMs: undefined };
    this.first = false;
    const coldStart =
      this.initializationType !== 'provisioned-concurrency' && now - this.readyAt < PROACTIVE_INIT_AFTER_MS;
    return { coldStart, initDurationMs: this.readyAt };
  }
}
