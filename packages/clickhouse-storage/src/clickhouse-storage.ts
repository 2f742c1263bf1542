import type { ClickHouseClient } from '@clickhouse/client';
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
import { connect } from './client.js';
import { type ClickHouseStorageOptions, type ResolvedOptions, resolveOptions } from './config.js';
import { classify } from './errors.js';
import { migrate } from './migrations/migrate.js';
import { ClickHouseReader } from './read/reader.js';
import { Fragments } from './rows/fragments.js';
import { metricLines } from './rows/metric-lines.js';
import { BACKEND } from './rows/scalars.js';
import { spanLine } from './rows/span-line.js';
import { insertLines } from './write/insert.js';

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
    const fragments = new Fragments();
    const lines = batch.spans.map((span, i) => spanLine(span, i, fragments));
    await insertLines(this.client, this.table('otel_traces'), lines, `${batch.id}/otel_traces`);
    return { accepted: lines.length };
  }

  async writeMetrics(batch: MetricBatch): Promise<WriteResult> {
    this.checkOpen();
    checkBatchId(batch.id, BACKEND);
    const byTable = metricLines(batch.points, new Fragments());
    // Each table's insert is deduplicated on its own, so a retry after a partial failure stores
    // only the tables that were missing.
    await Promise.all(
      [...byTable].map(([table, lines]) =>
        insertLines(this.client, this.table(table), lines, `${batch.id}/${table}`),
      ),
    );
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

  private table(name: string): string {
    return `${this.options.database}.${name}`;
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('CLOSED', BACKEND, 'the ClickHouse adapter is closed');
  }
}
