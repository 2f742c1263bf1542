import type { MetricPoint, Span } from '@firefly/model';
import { isRetryable, type StorageAdapter, StorageError } from '@firefly/storage';
import type { CollectorMetrics, SignalName } from '../telemetry/metrics.js';

export interface StorageWriterOptions {
  /** First wait after a retryable error; doubles up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Logs each failed attempt (pino's signature). */
  log?: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * Writes batches to the storage adapter, retrying retryable errors with exponential backoff until
 * they succeed, a permanent error ends them, or `stop()` gives up on them. Both pipeline modes
 * end here, so retries, metrics and logging work the same in each.
 */
export class StorageWriter {
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private stopping: AbortController = new AbortController();

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

  /** Ends waiting retries: they reject with the last error. */
  stop(): void {
    this.stopping.abort();
  }

  private async write(signal: SignalName, items: number, attempt: () => Promise<unknown>): Promise<void> {
    const started = performance.now();
    this.metrics.batchSize.observe({ signal }, items);
    let backoff = this.initialBackoffMs;
    for (;;) {
      try {
        await attempt();
        this.metrics.insertDuration.observe({ signal, outcome: 'ok' }, (performance.now() - started) / 1000);
        return;
      } catch (error) {
        const retryable = isRetryable(error);
        const code = error instanceof StorageError ? error.code : 'UNKNOWN';
        this.metrics.storageErrors.inc({ signal, code, retryable: String(retryable) });
        this.options.log?.({ signal, items, code, retryable, err: error }, 'storage write failed');
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
