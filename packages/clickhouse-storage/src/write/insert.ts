import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { RowEncoder } from '../encode/column-writer.js';
import { classify } from '../errors.js';
import { quoteIdentifier } from '../migrations/sql-files.js';

/**
 * Sends the encoded rows as one INSERT into one table, deduplicated by `token`: ClickHouse splits
 * the insert into one block per day partition (each with a token derived from `token`),
 * remembers the tokens of the table's last non_replicated_deduplication_window blocks and drops a
 * block whose token it has seen, so a retried batch is stored once.
 */
export async function insertRows(
  client: ClickHouseClient,
  database: string,
  table: string,
  columns: readonly string[],
  encoder: RowEncoder,
  token: string,
): Promise<void> {
  if (encoder.rows === 0) return;
  const rows = encoder.rows;
  try {
    const result = await client.exec({
      query: `INSERT INTO ${quoteIdentifier(database)}.${table} (${columns.join(', ')}) FORMAT ${encoder.format}`,
      values: Readable.from(encoder.finish()),
      clickhouse_settings: {
        insert_deduplicate: 1,
        insert_deduplication_token: token,
        // One batch, one request, acknowledged when durable: async inserts would answer earlier.
        async_insert: 0,
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
