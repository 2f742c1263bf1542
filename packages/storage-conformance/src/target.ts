import type { MetricPoint, Span } from '@firefly/model';
import type { StorageAdapter } from '@firefly/storage';

/**
 * What an adapter package hands the conformance suite: a way to make adapters connected to the
 * real backend under test, and a way to read back what they stored, as model objects. Every test
 * uses its own random trace ids and metric names, so the backend never needs to be emptied.
 */
export interface ConformanceTarget {
  /** Shown in the suite's title, e.g. `clickhouse`. */
  readonly name: string;
  /**
   * A new adapter on the backend under test. The suite calls `migrate()` itself and closes every
   * adapter it creates; it creates several at once to test concurrent writers and migrations.
   */
  createAdapter(): Promise<StorageAdapter>;
  /** Every stored span of these traces, in any order, exactly as the model describes them. */
  readSpans(traceIds: readonly string[]): Promise<Span[]>;
  /** Every stored point of these metric names (any type), in any order. */
  readMetricPoints(metricNames: readonly string[]): Promise<MetricPoint[]>;
  /** How many spans of these traces are stored; defaults to `readSpans(...).length`. */
  countSpans?(traceIds: readonly string[]): Promise<number>;
}
