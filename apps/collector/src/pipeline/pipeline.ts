import type { MetricPoint, Span } from '@firefly/model';

/**
 * Where receivers hand decoded telemetry. A submission resolves once the pipeline has accepted
 * the items — acknowledged by Kafka (all in-sync replicas) in Kafka mode, queued in memory in
 * direct mode — and only then may the receiver answer 2xx. It rejects with a `PipelineError`
 * when it cannot take them now; receivers turn that into 429/503 with Retry-After.
 */
export interface Pipeline {
  readonly mode: 'direct' | 'kafka';
  submitSpans(spans: readonly Span[]): Promise<void>;
  submitPoints(points: readonly MetricPoint[]): Promise<void>;
  /**
   * The error any submission would get right now, whatever its size (stopping, no room at all,
   * Kafka unavailable), or undefined. Receivers ask before reading and decoding a body: a
   * saturated collector should not spend its CPU decoding what it is about to refuse.
   */
  refusal(): PipelineError | undefined;
  /** Whether the pipeline can accept and store data now (for /readyz), with the reason if not. */
  readiness(): Promise<Readiness>;
  /** Starts background work (consumers, flush timers). */
  start(): Promise<void>;
  /**
   * Stops accepting, then drains what was accepted to storage (direct mode) or finishes the
   * current batches and commits (Kafka mode), within `deadlineMs`. Idempotent.
   */
  stop(deadlineMs: number): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  /** One line per dependency, e.g. `kafka: connected`, `storage: ClickHouse answers`. */
  checks: Record<string, { ok: boolean; detail: string }>;
}

export type PipelineErrorCode =
  /** Full for now: the queue (direct) or the in-flight produce budget (Kafka). Answer 429. */
  | 'SATURATED'
  /** A dependency is down (Kafka unreachable, produce timed out). Answer 503. */
  | 'UNAVAILABLE'
  /** Shutting down. Answer 503. */
  | 'STOPPED';

export class PipelineError extends Error {
  override readonly name = 'PipelineError';
  constructor(
    readonly code: PipelineErrorCode,
    message: string,
    /** What to send as Retry-After. */
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
