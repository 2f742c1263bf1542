export interface BatcherOptions {
  /** A batch is sent as soon as it holds this many items… */
  maxItems: number;
  /** …or this long after its first item arrived. */
  timeoutMs: number;
  /** Batches being sent at once; more wait, already cut, in order. */
  concurrency: number;
}

/**
 * Cuts a stream of items into batches by size and time and hands them to `send`, at most
 * `concurrency` at a time. `send` must not reject: the batcher only schedules, the caller owns
 * retries and errors.
 */
export class Batcher<T> {
  private pending: T[] = [];
  private readonly ready: T[][] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly options: BatcherOptions,
    private readonly send: (batch: T[]) => Promise<void>,
  ) {}

  add(items: readonly T[]): void {
    for (const item of items) {
      this.pending.push(item);
      if (this.pending.length >= this.options.maxItems) this.cut();
    }
    if (this.pending.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.cut();
      }, this.options.timeoutMs);
      this.timer.unref();
    }
    this.pump();
  }

  /** Sends everything now and resolves when nothing is pending or in flight. */
  drain(): Promise<void> {
    this.cut();
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private cut(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length > 0) {
      this.ready.push(this.pending);
      this.pending = [];
    }
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.ready.length > 0) {
      const batch = this.ready.shift() as T[];
      this.inFlight += 1;
      void this.send(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
        if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
      });
    }
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.ready.length === 0 && this.pending.length === 0;
  }
}
