import { log } from '../log.js';

/** Failed exports in a row after which exports to the endpoint pause. */
export const FAILURES_BEFORE_PAUSE = 3;
const FIRST_PAUSE_MS = 30_000;
const LONGEST_PAUSE_MS = 5 * 60_000;

/**
 * The failure streak of one endpoint. A collector that is down, or unreachable from the function,
 * would otherwise cost every invocation an export timeout — in sync mode, the callers' wait. After
 * 3 failures in a row exports pause for 30 s, then for twice as long after each failed retry, up
 * to 5 minutes, until one succeeds. One warning per streak: the first failure's.
 */
export class ExportBackoff {
  private failures = 0;
  private lost = 0;
  private pausedUntil = Number.NEGATIVE_INFINITY;
  private nextPauseMs = FIRST_PAUSE_MS;

  constructor(
    readonly what: 'spans' | 'metric points',
    readonly url: string,
  ) {}

  /** Whether exports pause now. */
  get paused(): boolean {
    return performance.now() < this.pausedUntil;
  }

  /** `count` items were not sent because exports pause. */
  skipped(count: number): void {
    this.lost += count;
  }

  succeeded(): void {
    if (this.failures === 0) return;
    log.infoEachTime(
      `${this.what} exported to ${this.url} again after ${this.failures} failed exports; ${this.lost} ${this.what} were lost`,
    );
    this.failures = 0;
    this.lost = 0;
    this.pausedUntil = Number.NEGATIVE_INFINITY;
    this.nextPauseMs = FIRST_PAUSE_MS;
  }

  failed(reason: string, count: number): void {
    this.failures += 1;
    this.lost += count;
    if (this.failures === 1) {
      log.warnEachTime(
        `${this.what} not exported to ${this.url}: ${reason} (further failures are not logged until an export succeeds; after ${FAILURES_BEFORE_PAUSE} in a row, exports pause)`,
      );
    }
    if (this.failures >= FAILURES_BEFORE_PAUSE) {
      this.pausedUntil = performance.now() + this.nextPauseMs;
      this.nextPauseMs = Math.min(this.nextPauseMs * 2, LONGEST_PAUSE_MS);
    }
  }
}
