import {
  checkBatchId,
  type HealthReport,
  type MetricBatch,
  type MigrationReport,
  type SpanBatch,
  type StorageAdapter,
  StorageError,
  type WriteResult,
} from '@firefly/storage';
import { MemoryBackend } from './memory-backend.js';
import { validateMetricPoints, validateSpans } from './validate.js';

/**
 * A complete `StorageAdapter` over a {@link MemoryBackend}: the reference implementation of the
 * contract, and the worked example of the conformance README. Several adapters made on one backend
 * share its data, as collector replicas share a database.
 */
export class MemoryStorage implements StorageAdapter {
  readonly name = 'memory';
  readonly #backend: MemoryBackend;
  #closed = false;

  constructor(backend: MemoryBackend = new MemoryBackend()) {
    this.#backend = backend;
  }

  async migrate(): Promise<MigrationReport> {
    this.#checkOpen();
    return this.#backend.migrate();
  }

  async writeSpans(batch: SpanBatch): Promise<WriteResult> {
    this.#checkWritable(batch.id);
    validateSpans(this.name, batch.id, batch.spans);
    await this.#roundTrip();
    this.#backend.storeSpans(batch.id, batch.spans);
    return { accepted: batch.spans.length };
  }

  async writeMetrics(batch: MetricBatch): Promise<WriteResult> {
    this.#checkWritable(batch.id);
    validateMetricPoints(this.name, batch.id, batch.points);
    await this.#roundTrip();
    this.#backend.storeMetricPoints(batch.id, batch.points);
    return { accepted: batch.points.length };
  }

  async health(): Promise<HealthReport> {
    const started = performance.now();
    const version = this.#backend.schemaVersion;
    const [healthy, detail] = this.#closed
      ? [false, 'the adapter is closed']
      : this.#backend.migrated
        ? [true, `memory backend reachable, schema ${version}`]
        : [false, `memory backend schema is ${version ?? 'missing'}: run migrate()`];
    return { healthy, detail, latencyMs: performance.now() - started };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #checkOpen(): void {
    if (this.#closed) throw new StorageError('CLOSED', this.name, 'the adapter is closed');
  }

  /** Refusals come first and in order of permanence, as a real adapter's do: closed, bad id, no schema. */
  #checkWritable(batchId: string): void {
    this.#checkOpen();
    checkBatchId(batchId, this.name);
    if (!this.#backend.migrated) {
      throw new StorageError('SCHEMA', this.name, 'the memory backend is not migrated: call migrate() first');
    }
  }

  // Yield as a network call would, so concurrent writes really interleave in tests.
  #roundTrip(): Promise<void> {
    return new Promise((resolve) => setImmediate(resolve));
  }
}
