import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { classify } from '../errors.js';

const CHUNK_LINES = 512;

/**
 * Inserts JSONEachRow lines into one table as one INSERT, deduplicated by `token`: ClickHouse
 * remembers the tokens of recent blocks (the table's non_replicated_deduplication_window) and
 * drops a block whose token it has seen, so a retried batch is stored once.
 */
export async function insertLines(
  client: ClickHouseClient,
  table: string,
  lines: readonly string[],
  token: string,
): Promise<void> {
  if (lines.length === 0) return;
  try {
    const result = await client.exec({
      query: `INSERT INTO ${table} FORMAT JSONEachRow`,
      values: Readable.from(chunks(lines)),
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
    throw classify(error, `inserting ${lines.length} rows into ${table}`);
  }
}

function* chunks(lines: readonly string[]): Generator<string> {
  for (let i = 0; i < lines.length; i += CHUNK_LINES) yield lines.slice(i, i + CHUNK_LINES).join('');
}
