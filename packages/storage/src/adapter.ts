import type { MetricPoint, Span } from '@firefly/model';

/**
 * A batch of spans with an id that is the same every time the same spans are sent again (after a
 * crash, a timeout or a rebalance): the pipeline derives it from where the batch came from, e.g.
 * {@link kafkaBatchId}. Storing the same id twice must store the spans once.
 */
export interface SpanBatch {
  readonly id: string;
  readonly spans: readonly Span[];
}

/** Metric points of any type, under the same rules as {@link SpanBatch}. */
export interface MetricBatch {
  readonly id: string;
  readonly points: readonly MetricPoint[];
}

export interface WriteResult {
  /** Items in the batch the backend now holds (a deduplicated retry reports them too). */
  readonly accepted: number;
}

export interface MigrationReport {
  /** Migrations this call applied, e.g. `0001_spans`. */
  readonly applied: readonly string[];
  /** Migrations found already applied. */
  readonly skipped: readonly string[];
  /** The newest migration now in place. */
  readonly version: string;
}

export interface HealthReport {
  readonly healthy: boolean;
  /** What was checked, and on failure why it failed. */
  readonly detail: string;
  readonly latencyMs: number;
}

/**
 * What every storage backend implements. The pipeline calls it like this:
 *
 * 1. `migrate()` once at start-up, possibly from several collector replicas at the same moment;
 * 2. `writeSpans` / `writeMetrics` with batches, concurrently, each retried with the same id until
 *    it resolves or throws a permanent error;
 * 3. `health()` for readiness; `close()` once at shutdown, after the last write resolved.
 *
 * Delivery: input is at least once — a batch may arrive again, whole, with the same id, later (the
 * pipeline commits its source offsets only after a write resolved, so a crash or a rebalance replays
 * what was not committed). An adapter must make that effectively once: a batch id already stored
 * stores nothing new. Backends that remember ids in a window (ClickHouse does) must recognize an id
 * retried after at least 1,100 other batches (what the conformance kit checks), and should keep far
 * more: a replay after a crash can follow thousands of batches. A write that resolves means
 * the data is durable in the backend; a write that throws may or may not have stored it, and the
 * pipeline will send it again. Errors say whether retrying can help (see `StorageError`).
 *
 * A batch belongs to the adapter until its write settles: callers do not change its items (or the
 * resources and metrics they share) meanwhile. Adapters may read them at any point of the write,
 * across awaits (the ClickHouse adapter encodes in slices, yielding to the event loop).
 */
export interface StorageAdapter {
  /** Short backend name for logs and metrics, e.g. `clickhouse`. */
  readonly name: string;
  /** Creates or upgrades the schema. Idempotent, versioned, safe to run concurrently. */
  migrate(): Promise<MigrationReport>;
  writeSpans(batch: SpanBatch): Promise<WriteResult>;
  writeMetrics(batch: MetricBatch): Promise<WriteResult>;
  health(): Promise<HealthReport>;
  /** Releases connections. Idempotent; writes after close reject with a permanent error. */
  close(): Promise<void>;
}
