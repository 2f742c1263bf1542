import type { ClickHouseClient } from '@clickhouse/client';
import { type MigrationReport, StorageError } from '@firefly/storage';
import { classify } from '../errors.js';
import { BACKEND } from '../rows/scalars.js';
import { loadMigrations, loadSql, type RenderContext, render, statements, ttlClause } from './sql-files.js';

/** Tables with a TTL, and the time column it counts from. */
export const TTL_COLUMNS: Readonly<Record<string, string>> = {
  otel_traces: 'Timestamp',
  otel_traces_trace_id_ts: 'Start',
  otel_metrics_gauge: 'TimeUnix',
  otel_metrics_sum: 'TimeUnix',
  otel_metrics_histogram: 'TimeUnix',
  otel_metrics_exponential_histogram: 'TimeUnix',
  otel_metrics_summary: 'TimeUnix',
};

/**
 * Applies the migrations not yet recorded, in order, then brings each table's TTL to `ttlDays`.
 * Every statement is idempotent (IF NOT EXISTS), so replicas migrating at the same moment may
 * both run one: the result and the record are the same.
 */
export async function migrate(client: ClickHouseClient, context: RenderContext): Promise<MigrationReport> {
  await run(client, `CREATE DATABASE IF NOT EXISTS ${context.database}`, 'creating the database');
  for (const statement of statements(render(loadSql('schema-migrations.sql'), context))) {
    await run(client, statement, 'creating the migrations table');
  }
  const recorded = await appliedChecksums(client, context.database);
  const applied: string[] = [];
  const skipped: string[] = [];
  const migrations = loadMigrations();
  for (const migration of migrations) {
    const checksum = recorded.get(migration.version);
    if (checksum !== undefined) {
      if (checksum !== migration.checksum) {
        throw new StorageError(
          'SCHEMA',
          BACKEND,
          `migration ${migration.version} was changed after it was applied (checksum ${checksum.slice(0, 12)} in ${context.database}.firefly_schema_migrations, ${migration.checksum.slice(0, 12)} now); add a new migration instead`,
        );
      }
      skipped.push(migration.version);
      continue;
    }
    for (const statement of statements(render(migration.template, context))) {
      await run(client, statement, `applying migration ${migration.version}`);
    }
    await record(client, context.database, migration.version, migration.checksum);
    applied.push(migration.version);
  }
  applied.push(...(await reconcileTtl(client, context)));
  return { applied, skipped, version: migrations.at(-1)?.version ?? '' };
}

async function appliedChecksums(client: ClickHouseClient, database: string): Promise<Map<string, string>> {
  try {
    const result = await client.query({
      query: `SELECT Version, Checksum FROM ${database}.firefly_schema_migrations FINAL`,
      format: 'JSONEachRow',
    });
    const rows = await result.json<{ Version: string; Checksum: string }>();
    return new Map(rows.map((r) => [r.Version, r.Checksum]));
  } catch (error) {
    throw classify(error, 'reading applied migrations');
  }
}

async function record(
  client: ClickHouseClient,
  database: string,
  version: string,
  checksum: string,
): Promise<void> {
  try {
    await client.insert({
      table: `${database}.firefly_schema_migrations`,
      values: [{ Version: version, Checksum: checksum }],
      format: 'JSONEachRow',
      columns: ['Version', 'Checksum'],
      clickhouse_settings: { insert_deduplication_token: `migration:${version}` },
    });
  } catch (error) {
    throw classify(error, `recording migration ${version}`);
  }
}

/** `ALTER … MODIFY TTL` where a table's TTL differs from the configured days; names what changed. */
async function reconcileTtl(client: ClickHouseClient, context: RenderContext): Promise<string[]> {
  const result = await client
    .query({
      query: 'SELECT name, engine_full FROM system.tables WHERE database = {database:String}',
      query_params: { database: context.database },
      format: 'JSONEachRow',
    })
    .catch((error: unknown) => {
      throw classify(error, 'reading table TTLs');
    });
  const changed: string[] = [];
  for (const { name, engine_full } of await result.json<{ name: string; engine_full: string }>()) {
    const column = TTL_COLUMNS[name];
    if (column === undefined) continue;
    const wanted = ttlClause(column, context.ttlDays);
    const current = /\bTTL (.+?) SETTINGS /.exec(engine_full)?.[1];
    if ((current ?? '') === wanted.replace(/^TTL /, '')) continue;
    // Without materializing: existing parts follow the new TTL as they merge or expire whole.
    const alter = wanted === '' ? 'REMOVE TTL' : `MODIFY ${wanted}`;
    await run(
      client,
      `ALTER TABLE ${context.database}.${name} ${alter} SETTINGS materialize_ttl_after_modify = 0`,
      `changing the TTL of ${name}`,
    );
    changed.push(`ttl ${name}: ${context.ttlDays > 0 ? `${context.ttlDays} days` : 'none'}`);
  }
  return changed;
}

async function run(client: ClickHouseClient, query: string, doing: string): Promise<void> {
  try {
    await client.command({ query });
  } catch (error) {
    // Two replicas creating the same table at once: the loser is told it exists, which is the goal.
    if (/already exists/i.test((error as Error).message) && /IF NOT EXISTS/i.test(query)) return;
    throw classify(error, doing);
  }
}
