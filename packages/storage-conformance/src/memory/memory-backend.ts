import type { MetricPoint, Span } from '@firefly/model';
import type { MigrationReport } from '@firefly/storage';

/** The memory backend's schema history, oldest first; the last one is the version adapters need. */
export const MEMORY_MIGRATIONS: readonly string[] = ['0001_spans', '0002_metric_points', '0003_batch_ids'];

/**
 * The "server" behind {@link MemoryStorage} adapters: what a database is to a real adapter. It
 * holds the schema version, the stored items and the ids of stored batches, so several adapters on
 * one backend behave like several collector replicas on one database. Everything stored or returned
 * is a deep copy, so no caller can change stored data, or fake fidelity, through a shared object.
 */
export class MemoryBackend {
  readonly #applied: string[] = [];
  #migrations: Promise<unknown> = Promise.resolve();
  // Batch ids are remembered forever: the contract lets a batch come back any time later.
  readonly #spanBatches = new Set<string>();
  readonly #metricBatches = new Set<string>();
  readonly #spansByTrace = new Map<string, Span[]>();
  readonly #pointsByName = new Map<string, MetricPoint[]>();

  /** The newest migration applied, or undefined before the first `migrate()`. */
  get schemaVersion(): string | undefined {
    return this.#applied.at(-1);
  }

  /** True when every migration is applied. */
  get migrated(): boolean {
    return this.#applied.length === MEMORY_MIGRATIONS.length;
  }

  /**
   * Applies the migrations not applied yet. Concurrent callers queue behind each other, as a real
   * backend's migration lock makes them, so each migration is applied exactly once.
   */
  migrate(): Promise<MigrationReport> {
    const run = this.#migrations.then(() => this.#applyPending());
    this.#migrations = run.catch(() => undefined);
    return run;
  }

  #applyPending(): MigrationReport {
    const skipped = MEMORY_MIGRATIONS.filter((name) => this.#applied.includes(name));
    const applied = MEMORY_MIGRATIONS.filter((name) => !this.#applied.includes(name));
    this.#applied.push(...applied);
    return { applied, skipped, version: this.schemaVersion ?? '' };
  }

  /**
   * Stores deep copies of `spans` unless batch `id` was stored before. Checking the id and storing
   * happen in one synchronous step, so concurrent writers of one batch cannot both store it.
   */
  storeSpans(id: string, spans: readonly Span[]): void {
    if (this.#spanBatches.has(id)) return;
    this.#spanBatches.add(id);
    for (const span of structuredClone(spans)) append(this.#spansByTrace, span.traceId, span);
  }

  /** Stores deep copies of `points` unless batch `id` was stored before (see {@link storeSpans}). */
  storeMetricPoints(id: string, points: readonly MetricPoint[]): void {
    if (this.#metricBatches.has(id)) return;
    this.#metricBatches.add(id);
    for (const point of structuredClone(points)) append(this.#pointsByName, point.metric.name, point);
  }

  /** Deep copies of the stored spans of these traces. */
  readSpans(traceIds: readonly string[]): Span[] {
    return structuredClone(unique(traceIds).flatMap((id) => this.#spansByTrace.get(id) ?? []));
  }

  /** Deep copies of the stored points of these metric names. */
  readMetricPoints(names: readonly string[]): MetricPoint[] {
    return structuredClone(unique(names).flatMap((name) => this.#pointsByName.get(name) ?? []));
  }

  countSpans(traceIds: readonly string[]): number {
    return unique(traceIds).reduce((total, id) => total + (this.#spansByTrace.get(id)?.length ?? 0), 0);
  }
}

function append<T>(index: Map<string, T[]>, key: string, item: T): void {
  const items = index.get(key);
  if (items) items.push(item);
  else index.set(key, [item]);
}

function unique(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}
