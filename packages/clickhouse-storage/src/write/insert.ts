import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ColumnSpec, RowEncoder } from '../encode/column-writer.js';
import { classify } from '../errors.js';
import { quoteIdentifier } from '../sql/identifier.js';
import { MAX_PARTITIONS_PER_INSERT } from './partitions.js';

/** One table's rows of a batch, encoded whole and ready to send. */
export interface TableInsert {
  readonly table: string;
  readonly columns: readonly ColumnSpec[];
  readonly format: RowEncoder['format'];
  readonly rows: number;
  readonly body: readonly Buffer[];
  /** `<batch id>/<table>`. */
  readonly token: string;
}

/** Finishes `encoder`: after this, nothing about the rows can fail on our side. */
export function tableInsert(
  table: string,
  columns: readonly ColumnSpec[],
  encoder: RowEncoder,
  batchId: string,
): TableInsert {
  return {
    table,
    columns,
    format: encoder.format,
    rows: encoder.rows,
    body: encoder.finish(),
    token: `${batchId}/${table}`,
  };
}

/**
 * Sends the encoded rows as one INSERT into one table, deduplicated by the insert's token:
 * ClickHouse splits the insert into one block per day partition (each with a token derived from
 * the insert's), remembers the tokens of the table's last non_replicated_deduplication_window
 * blocks and drops a block whose token it has seen, so a retried batch is stored once.
 */
export async function insertRows(
  client: ClickHouseClient,
  database: string,
  insert: TableInsert,
): Promise<void> {
  const { table, rows } = insert;
  if (rows === 0) return;
  try {
    const result = await client.exec({
      query: `INSERT INTO ${quoteIdentifier(database)}.${table} (${insert.columns.map((c) => c.name).join(', ')}) FORMAT ${insert.format}`,
      values: Readable.from(insert.body),
      clickhouse_settings: {
        insert_deduplicate: 1,
        insert_deduplication_token: insert.token,
        // One batch, one request, acknowledged when durable: async inserts would answer earlier.
        async_insert: 0,
        // The limit checkPartitions applies before sending, whatever the server's profile says.
        max_partitions_per_insert_block: String(MAX_PARTITIONS_PER_INSERT),
        // Native columns arrive as String where the table has LowCardinality(String): ClickHouse
        // converts them (its default), whatever the server's profile says.
        ...(insert.format === 'Native' ? { input_format_native_allow_types_conversion: 1 } : {}),
      },
    });
    // The response body of an INSERT is empty; read it so the socket returns to the pool.
    for await (const _ of result.stream) {
      // nothing to read
    }
  } catch (error) {
    throw classify(error, `inserting ${rows} rows into ${database}.${table}`);
  }
}
