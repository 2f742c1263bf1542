import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricPointType } from '@firefly/model';
import {
  checkBatchId,
  type HealthReport,
  isRetryable,
  type MetricBatch,
  type MigrationReport,
  type SpanBatch,
  type StorageAdapter,
  StorageError,
  type WriteResult,
} from '@firefly/storage';
import { connect } from './client.js';
import { type ClickHouseStorageOptions, type ResolvedOptions, resolveOptions } from './config.js';
import type { RowEncoder } from './encode/column-writer.js';
import { JsonCompactEncoder } from './encode/json-compact.js';
import { RowBinaryEncoder } from './encode/row-binary.js';
import { classify } from './errors.js';
import { migrate } from './migrations/migrate.js';
import { ClickHouseReader } from './read/reader.js';
import { METRIC_TABLES, POINT_TYPE_COLUMNS, writePoint } from './rows/metric-layout.js';
import { BACKEND } from './rows/scalars.js';
import { SPAN_COLUMNS, writeSpan } from './rows/span-layout.js';
import { insertRows } from './write/insert.js';

/**
 * The ClickHouse storage adapter: spans into `otel_traces`, metric points into `otel_metrics_*`,
 * each batch as one INSERT per table deduplicated by the batch id (see SCHEMA.md).
 */
export class ClickHouseStorage implements StorageAdapter {
  readonly name = BACKEND;
  readonly options: ResolvedOptions;
  /** Reads stored spans and points back as model objects. */
  readonly reader: ClickHouseReader;
  private readonly client: ClickHouseClient;
  private closed = false;

  constructor(options: ClickHouseStorageOptions) {
    this.options = resolveOptions(options);
    this.client = connect(this.options);
    this.reader = new ClickHouseReader(this.client, this.options.database);
  }

  async migrate(): Promise<MigrationReport> {
    this.checkOpen();
    return migrate(this.client, this.options);
  }

  async writeSpans(batch: SpanBatch): Promise<WriteResult> {
    this.checkOpen();
    checkBatchId(batch.id, BACKEND);
    // Encoded whole before anything is sent: a value the schema cannot hold fails the batch here.
    const encoder = this.encoder();
    encodeEach('span', batch.spans, (span, i) => writeSpan(encoder, span, i));
    const { database } = this.options;
    await insertRows(this.client, database, 'otel_traces', SPAN_COLUMNS, encoder, `${batch.id}/otel_traces`);
    return { accepted: batch.spans.length };
  }

  async writeMetrics(batch: MetricBatch): Promise<WriteResult> {
    this.checkOpen();
    checkBatchId(batch.id, BACKEND);
    const encoders = new Map<MetricPointType, RowEncoder>();
    encodeEach('point', batch.points, (point, i) => {
      let encoder = encoders.get(point.type);
      if (encoder === undefined) {
        encoder = this.encoder();
        encoders.set(point.type, encoder);
      }
      writePoint(encoder, point, i);
    });
    const results = await Promise.allSettled(
      [...encoders].map(([type, encoder]) => {
        const table = METRIC_TABLES[type];
        const token = `${batch.id}/${table}`;
        return insertRows(
          this.client,
          this.options.database,
          table,
          POINT_TYPE_COLUMNS[type],
          encoder,
          token,
        );
      }),
    );
    // Every insert has ended before we answer, so a retry never races one still in flight. Each
    // table's insert is deduplicated on its own, so a retry stores only what is missing: when one
    // table failed for now and another for good, ask for the retry; it meets the lasting failure
    // again and reports that one then.
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw failures.find(isRetryable) ?? failures[0];
    return { accepted: batch.points.length };
  }

  async health(): Promise<HealthReport> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    if (this.closed) return { healthy: false, detail: 'the adapter is closed', latencyMs: 0 };
    try {
      const result = await this.client.query({
        query:
          'SELECT count() AS tables FROM system.tables WHERE database = {database:String} AND name = {table:String}',
        query_params: { database: this.options.database, table: 'otel_traces' },
        format: 'JSONEachRow',
      });
      const [row] = await result.json<{ tables: string }>();
      const migrated = Number(row?.tables) > 0;
      return {
        healthy: migrated,
        detail: migrated
          ? `ClickHouse at ${this.options.url} answers; ${this.options.database}.otel_traces exists`
          : `ClickHouse at ${this.options.url} answers, but ${this.options.database} is not migrated`,
        latencyMs: latency(),
      };
    } catch (error) {
      return { healthy: false, detail: classify(error, 'health check').message, latencyMs: latency() };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  private encoder(): RowEncoder {
    return this.options.insertFormat === 'RowBinary' ? new RowBinaryEncoder() : new JsonCompactEncoder();
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('CLOSED', BACKEND, 'the ClickHouse adapter is closed');
  }
}

/**
 * Runs `write` on each item, turning anything it throws that is not already a StorageError into a
 * permanent INVALID_DATA naming the item. Encoding is pure (no I/O), so whatever fails in it is
 * about the data: a raw TypeError or RangeError would otherwise look retryable, and the pipeline
 * would send the same batch forever.
 */
function encodeEach<T>(noun: string, items: readonly T[], write: (item: T, index: number) => void): void {
  let i = 0;
  try {
    for (; i < items.length; i++) write(items[i] as T, i);
  } catch (error) {
    if (error instanceof StorageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new StorageError('INVALID_DATA', BACKEND, `${noun} ${i} cannot be encoded: ${message}`, {
      cause: error,
    });
  }
}
