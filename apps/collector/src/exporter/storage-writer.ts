import type { MetricPoint, Span } from '@firefly/model';
import { awaitsConfiguration, isRetryable, type StorageAdapter, storageErrorCode } from '@firefly/storage';
import type { CollectorMetrics, SignalName } from '../telemetry/metrics.js';
import { sleep } from '../timing.js';

export interface StorageWriterOptions {
  /** First wait after a failed attempt that is retried; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Logs each failed attempt (pino's signature). */
  log?: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Whether the writer retries this error until it succeeds or `stop()` is called: retryable errors,
 * and those that await storage's configuration (SCHEMA, UNAUTHORIZED), which `@firefly/storage`
 * says never to drop for. The other permanent errors end the write at once.
 */
export function retriedUntilStopped(error: unknown): boolean {
  return isRetryable(error) || awaitsConfiguration(error);
}

/**
 * Writes batches to the storage adapter, retrying with exponential backoff until they succeed, a
 * refusal of the records ends them, or `stop()` gives up on them. Retried: retryable errors, and
 * SCHEMA and UNAUTHORIZED, which last until the configuration is fixed and meanwhile fail
 * {@link status}. Both pipeline modes end here, so retries, metrics and logging work the same.
 */
export class StorageWriter {
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private stopping: AbortController = new AbortController();
  /** Writes currently waiting for the configuration to be fixed, and the latest such refusal. */
  private misconfigured = 0;
  private lastRefusal = '';

  constructor(
    readonly adapter: StorageAdapter,
    private readonly metrics: CollectorMetrics,
    private readonly options: StorageWriterOptions = {},
  ) {
    this.initialBackoffMs = options.initialBackoffMs ?? 100;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
  }

  writeSpans(id: string, spans: readonly Span[]): Promise<void> {
    return this.write('traces', spans.length, () => this.adapter.writeSpans({ id, spans }));
  }

  writePoints(id: string, points: readonly MetricPoint[]): Promise<void> {
    return this.write('metrics', points.length, () => this.adapter.writeMetrics({ id, points }));
  }

  /**
   * For readiness: fails while storage refuses writes until its configuration is fixed (schema
   * missing, credentials or grants refused), naming the latest refusal.
   */
  status(): { ok: boolean; detail: string } {
    if (this.misconfigured === 0) return { ok: true, detail: 'no write waits for a configuration fix' };
    return {
      ok: false,
      detail: `${this.misconfigured} ${this.misconfigured === 1 ? 'batch waits' : 'batches wait'} until storage is configured: ${this.lastRefusal}`,
    };
  }

  /** Ends waiting retries: they reject with the last error. */
  stop(): void {
    this.stopping.abort();
  }

  private async write(signal: SignalName, items: number, attempt: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    this.metrics.batchSize.observe({ signal }, items);
    let backoff = this.initialBackoffMs;
    let misconfigured = false;
    const failed = () =>
      this.metrics.insertDuration.observe(
        { signal, outcome: 'failed' },
        (performance.now() - started) / 1000,
      );
    try {
      for (;;) {
        try {
          await attempt();
          this.metrics.insertDuration.observe(
            { signal, outcome: 'ok' },
            (performance.now() - started) / 1000,
          );
          return;
        } catch (error) {
          const code = storageErrorCode(error);
          const retried = retriedUntilStopped(error);
          this.metrics.storageErrors.inc({ signal, code, retried: String(retried) });
          this.options.log?.({ signal, items, code, retried, err: error }, 'storage write failed');
          // Counted while its latest error is one: storage may also go down meanwhile.
          const refusedByConfiguration = awaitsConfiguration(error);
          if (refusedByConfiguration) this.lastRefusal = `${code}: ${(error as Error).message}`;
          if (refusedByConfiguration !== misconfigured) {
            this.misconfigured += refusedByConfiguration ? 1 : -1;
            misconfigured = refusedByConfiguration;
          }
          if (!retried || this.stopping.signal.aborted) {
            failed();
            throw error;
          }
          // Keeps the process alive: what waits here was accepted and is not stored yet.
          await sleep(backoff, { signal: this.stopping.signal, keepAlive: true });
          // Stopped during the wait: another attempt could take a whole request timeout past the
          // shutdown deadline while storage is unreachable.
          if (this.stopping.signal.aborted) {
            failed();
            throw error;
          }
          backoff = Math.min(backoff * 2, this.maxBackoffMs);
        }
      }
    } finally {
      if (misconfigured) this.misconfigured -= 1;
    }
  }
}
