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
import type { ColumnSpec, RowEncoder } from './encode/column-writer.js';
import { JsonCompactEncoder } from './encode/json-compact.js';
import { NativeEncoder } from './encode/native.js';
import { RowBinaryEncoder } from './encode/row-binary.js';
import { classify } from './errors.js';
import { migrate } from './migrations/migrate.js';
import { ClickHouseReader } from './read/reader.js';
import { METRIC_TABLES, POINT_TYPE_COLUMNS, pointColumns, writePoint } from './rows/metric-layout.js';
import { BACKEND } from './rows/scalars.js';
import { SPAN_COLUMNS, SPAN_TABLE, writeSpan } from './rows/span-layout.js';
import { insertRows, tableInsert } from './write/insert.js';
import { PartitionCheck } from './write/partitions.js';

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
  private readonly partitions: PartitionCheck;
  private closed = false;

  constructor(options: ClickHouseStorageOptions) {
    this.options = resolveOptions(options);
    this.client = connect(this.options);
    this.reader = new ClickHouseReader(this.client, this.options.database);
    this.partitions = new PartitionCheck(this.client, this.options.database);
  }

  async migrate(): Promise<MigrationReport> {
    this.checkOpen();
    return migrate(this.client, this.options);
  }

  async writeSpans(batch: SpanBatch): Promise<WriteResult> {
    this.checkOpen();
    checkBatchId(batch.id, BACKEND);
    // Encoded whole before anything is sent: a value the schema cannot hold fails the batch here.
    const encoder = this.encoder(SPAN_COLUMNS);
    await encodeEach('span', batch.spans, (span, i) => writeSpan(encoder, span, i));
    // Encoding yields to the event loop: the adapter may have been closed meanwhile.
    this.checkOpen();
    const insert = tableInsert(SPAN_TABLE, SPAN_COLUMNS, encoder, batch.id);
    await this.partitions.check([
      { table: insert.table, column: 'Timestamp', times: batch.spans.map((s) => s.startTimeUnixNano) },
    ]);
    await insertRows(this.client, this.options.database, insert);
    return { accepted: batch.spans.length };
  }

  async writeMetrics(batch: MetricBatch): Promise<WriteResult> {
    this.checkOpen();
    checkBatchId(batch.id, BACKEND);
    const tables = new Map<MetricPointType, { encoder: RowEncoder; times: bigint[] }>();
    await encodeEach('point', batch.points, (point, i) => {
      let table = tables.get(point.type);
      if (table === undefined) {
        table = { encoder: this.encoder(pointColumns(point, i)), times: [] };
        tables.set(point.type, table);
      }
      writePoint(table.encoder, point, i);
      table.times.push(point.timeUnixNano);
    });
    this.checkOpen();
    // Everything that can refuse the batch on our side happens before the first insert is sent:
    // had one table stored its rows before another refused them, the caller's retry of the halves
    // of the batch, under new ids, would store those rows again.
    const inserts = [...tables].map(([type, { encoder }]) =>
      tableInsert(METRIC_TABLES[type], POINT_TYPE_COLUMNS[type], encoder, batch.id),
    );
    await this.partitions.check(
      [...tables].map(([type, { times }]) => ({ table: METRIC_TABLES[type], column: 'TimeUnix', times })),
    );
    const results = await Promise.allSettled(
      inserts.map((insert) => insertRows(this.client, this.options.database, insert)),
    );
    // Every insert has ended before we answer, so a retry never races one still in flight. Each
    // table's insert is deduplicated on its own, so a retry under the same id stores only what is
    // missing; which failure to report is chosen for that (see mostUrgent).
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw mostUrgent(failures);
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

  private encoder(columns: readonly ColumnSpec[]): RowEncoder {
    switch (this.options.insertFormat) {
      case 'Native':
        return new NativeEncoder(columns);
      case 'RowBinary':
        return new RowBinaryEncoder();
      case 'JSONCompactEachRow':
        return new JsonCompactEncoder();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new StorageError('CLOSED', BACKEND, 'the ClickHouse adapter is closed');
  }
}

const ENCODE_SLICE = 500;

/**
 * Runs `write` on each item, turning anything it throws that is not already a StorageError into a
 * permanent INVALID_DATA naming the item. Encoding is pure (no I/O), so whatever fails in it is
 * about the data: a raw TypeError or RangeError would otherwise look retryable, and the pipeline
 * would send the same batch forever.
 */
async function encodeEach<T>(
  noun: string,
  items: readonly T[],
  write: (item: T, index: number) => void,
): Promise<void> {
  let i = 0;
  try {
    for (; i < items.length; i++) {
      write(items[i] as T, i);
      // A 5,000-span batch takes ~20 ms to encode: meanwhile the other inserts in flight must go on
      // sending their bodies, or ClickHouse waits for them with nothing to do.
      if (i % ENCODE_SLICE === ENCODE_SLICE - 1) await new Promise(setImmediate);
    }
  } catch (error) {
    if (error instanceof StorageError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new StorageError('INVALID_DATA', BACKEND, `${noun} ${i} cannot be encoded: ${message}`, {
      cause: error,
    });
  }
}

/**
 * The one of several tables' failures to report, by what the caller does with it. Retryable first:
 * the same batch id is sent again, and each table stores only what it is missing. Then what awaits
 * configuration (SCHEMA, UNAUTHORIZED), which the collector also retries under the same id until
 * fixed. Refused data (INVALID_DATA, INVALID_BATCH) last: the collector splits such a batch and
 * writes the halves under new ids, so the tables that stored theirs would store them again.
 */
function mostUrgent(failures: readonly unknown[]): unknown {
  const rank = (error: unknown) => {
    if (isRetryable(error)) return 0;
    const code = error instanceof StorageError ? error.code : undefined;
    if (code === 'SCHEMA' || code === 'UNAUTHORIZED') return 1;
    return code === 'INVALID_DATA' || code === 'INVALID_BATCH' ? 3 : 2;
  };
  return failures.reduce((chosen, error) => (rank(error) < rank(chosen) ? error : chosen));
}
