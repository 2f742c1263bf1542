import { randomUUID } from 'node:crypto';
import type { MetricPoint, Span } from '@firefly/model';
import { refusesData, storageErrorCode } from '@firefly/storage';
import { retriedUntilStopped, type StorageWriter } from '../exporter/storage-writer.js';
import { Batcher } from '../processor/batcher.js';
import type { CollectorMetrics, SignalName } from '../telemetry/metrics.js';
import { settlesWithin } from '../timing.js';
import { type Pipeline, PipelineError, type Readiness } from './pipeline.js';

export interface DirectPipelineOptions {
  /**
   * Spans plus points held in memory (queued or being written) before submissions are refused;
   * a single larger submission is taken when nothing else is held.
   */
  capacity: number;
  batchMaxItems: number;
  batchTimeoutMs: number;
  retryAfterSeconds: number;
  log: (fields: Record<string, unknown>, message: string) => void;
}

/**
 * No Kafka: a bounded in-memory queue feeding the batcher and the storage writer. Requests are
 * answered once their items are queued, so a crash loses what was queued; Kafka mode does not.
 */
export class DirectPipeline implements Pipeline {
  readonly mode = 'direct';
  private held = 0;
  private stopped = false;
  private readonly spans: Batcher<Span>;
  private readonly points: Batcher<MetricPoint>;

  constructor(
    private readonly writer: StorageWriter,
    private readonly metrics: CollectorMetrics,
    private readonly options: DirectPipelineOptions,
  ) {
    const batching = { maxItems: options.batchMaxItems, timeoutMs: options.batchTimeoutMs, concurrency: 2 };
    this.spans = new Batcher(batching, (batch) =>
      this.store('traces', batch, (id) => writer.writeSpans(id, batch)),
    );
    this.points = new Batcher(batching, (batch) =>
      this.store('metrics', batch, (id) => writer.writePoints(id, batch)),
    );
  }

  async start(): Promise<void> {}

  async submitSpans(spans: readonly Span[]): Promise<void> {
    this.admit('traces', spans.length);
    this.spans.add(spans);
  }

  async submitPoints(points: readonly MetricPoint[]): Promise<void> {
    this.admit('metrics', points.length);
    this.points.add(points);
  }

  refusal(): PipelineError | undefined {
    const { retryAfterSeconds } = this.options;
    if (this.stopped)
      return new PipelineError('STOPPED', 'the collector is shutting down', retryAfterSeconds);
    if (this.held >= this.options.capacity) return this.full(retryAfterSeconds);
    return undefined;
  }

  async readiness(): Promise<Readiness> {
    const health = await this.writer.adapter.health();
    const writes = this.writer.status();
    const room = Math.max(0, this.options.capacity - this.held);
    return {
      ready: health.healthy && writes.ok && !this.stopped,
      checks: {
        storage: { ok: health.healthy, detail: health.detail },
        writes,
        queue: {
          ok: !this.stopped,
          detail: this.stopped ? 'stopping' : `${this.held} items held, room for ${room}`,
        },
      },
    };
  }

  async stop(deadlineMs: number): Promise<void> {
    this.stopped = true;
    const drained = Promise.all([this.spans.drain(), this.points.drain()]);
    if (!(await settlesWithin(drained, deadlineMs))) {
      this.options.log({ held: this.held }, 'shutdown deadline reached: items still queued are lost');
      this.writer.stop();
    }
  }

  private admit(signal: SignalName, items: number): void {
    const refusal = this.refusal();
    if (refusal !== undefined) throw refusal;
    // One submission larger than the whole queue still goes in when nothing else is held, as in
    // Kafka mode: refused, it would be refused forever, however long its sender waited.
    if (this.held > 0 && this.held + items > this.options.capacity) {
      throw this.full(this.options.retryAfterSeconds);
    }
    this.held += items;
    this.metrics.queueItems.inc({ signal }, items);
  }

  private full(retryAfterSeconds: number): PipelineError {
    return new PipelineError(
      'SATURATED',
      `the in-memory queue is full (${this.held} of ${this.options.capacity} items held)`,
      retryAfterSeconds,
    );
  }

  private async store(
    signal: SignalName,
    batch: readonly unknown[],
    write: (id: string) => Promise<void>,
  ): Promise<void> {
    try {
      // One id per batch, kept across its retries: storage drops a retry that had landed after all.
      await write(`direct:${randomUUID()}`);
    } catch (error) {
      // The writer gives up on what it retries only when stopped: at the shutdown deadline.
      const why = refusesData(error)
        ? 'storage refused its data'
        : retriedUntilStopped(error)
          ? 'the shutdown deadline cut its retries short'
          : `storage refused it (${storageErrorCode(error)})`;
      this.options.log({ signal, items: batch.length, err: error }, `batch dropped: ${why}`);
    } finally {
      this.held -= batch.length;
      this.metrics.queueItems.dec({ signal }, batch.length);
    }
  }
}
