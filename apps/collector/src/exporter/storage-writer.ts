import type { MetricPoint, Span } from '@firefly/model';
import { isRetryable, type StorageAdapter } from '@firefly/storage';
import type { CollectorMetrics, SignalName } from '../telemetry/metrics.js';

export interface StorageWriterOptions {
  /** First wait after a failed attempt that is retried; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Logs each failed attempt (pino's signature). */
  log?: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Permanent for the adapter, but not the data's fault: once the schema is migrated or the
 * credentials fixed, the same batch is stored. Dropping or dead-lettering it would lose the
 * backlog over a configuration mistake, so it waits for the fix like a retryable error.
 */
const UNTIL_CONFIGURED: ReadonlySet<string> = new Set(['SCHEMA', 'UNAUTHORIZED']);

/** Refusals of the records themselves: the only errors after which records may be set aside. */
const REFUSES_RECORDS: ReadonlySet<string> = new Set(['INVALID_DATA', 'INVALID_BATCH']);

/**
 * The `code` of a `StorageError`, recognized by shape (as `isRetryable` does) so an adapter that
 * bundles its own copy of `@firefly/storage` is understood; `UNKNOWN` for anything else.
 */
export function storageErrorCode(error: unknown): string {
  const candidate = error as { name?: unknown; code?: unknown } | null;
  return candidate?.name === 'StorageError' && typeof candidate.code === 'string'
    ? candidate.code
    : 'UNKNOWN';
}

/** Whether the writer retries this error until it succeeds or `stop()` is called. */
export function retriedUntilStopped(error: unknown): boolean {
  return isRetryable(error) || UNTIL_CONFIGURED.has(storageErrorCode(error));
}

/** Whether storage refused the records themselves (INVALID_DATA, INVALID_BATCH). */
export function refusesRecords(error: unknown): boolean {
  return REFUSES_RECORDS.has(storageErrorCode(error));
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
      detail: `${this.misconfigured} batches wait until storage is configured: ${this.lastRefusal}`,
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
          // Whether it is retried (the metric's meaning), not the error's own flag: SCHEMA is.
          const retryable = retriedUntilStopped(error);
          this.metrics.storageErrors.inc({ signal, code, retryable: String(retryable) });
          this.options.log?.({ signal, items, code, retryable, err: error }, 'storage write failed');
          // Counted while its latest error is one: storage may also go down meanwhile.
          const refusedByConfiguration = UNTIL_CONFIGURED.has(code);
          if (refusedByConfiguration) this.lastRefusal = `${code}: ${(error as Error).message}`;
          if (refusedByConfiguration !== misconfigured) {
            this.misconfigured += refusedByConfiguration ? 1 : -1;
            misconfigured = refusedByConfiguration;
          }
          if (!retryable || this.stopping.signal.aborted) {
            this.metrics.insertDuration.observe(
              { signal, outcome: 'failed' },
              (performance.now() - started) / 1000,
            );
            throw error;
          }
          await sleep(backoff, this.stopping.signal);
          backoff = Math.min(backoff * 2, this.maxBackoffMs);
        }
      }
    } finally {
      if (misconfigured) this.misconfigured -= 1;
    }
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    // Removed after each wait: a batch retried for hours must not pile listeners on the signal.
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
