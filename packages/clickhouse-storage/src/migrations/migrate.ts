import type { ClickHouseClient } from '@clickhouse/client';
import { type MigrationReport, StorageError } from '@firefly/storage';
import { classify } from '../errors.js';
import { METRIC_TABLES } from '../rows/metric-layout.js';
import { BACKEND } from '../rows/scalars.js';
import { SPAN_TABLE } from '../rows/span-layout.js';
import { quoteIdentifier } from '../sql/identifier.js';
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
 * Tables the adapter inserts into with a deduplication token, whose window is `dedupWindow`. The
 * trace id table is filled by a materialized view and not deduplicated (a repeated range is
 * harmless); the migrations table keeps its own fixed window.
 */
const DEDUP_TABLES: ReadonlySet<string> = new Set([SPAN_TABLE, ...Object.values(METRIC_TABLES)]);

/** The migration that creates the span table: when a run applies it, the run ends with a backfill. */
const SPANS_MIGRATION = '0001_traces';

/**
 * Applies the migrations not yet recorded, in order, then brings each table's TTL to `ttlDays` and
 * deduplication window to `dedupWindow` (the CREATE statements only set them for new tables).
 * When this run created the span table, the trace id table is then filled from it: a write retried
 * meanwhile may have landed between the span table and its view (sql/trace-id-ts-backfill.sql).
 * Every statement is idempotent (IF NOT EXISTS), so replicas migrating at the same moment may
 * both run one: the result and the record are the same.
 */
export async function migrate(client: ClickHouseClient, context: RenderContext): Promise<MigrationReport> {
  const database = quoteIdentifier(context.database);
  await run(client, `CREATE DATABASE IF NOT EXISTS ${database}`, 'creating the database');
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
  if (applied.includes(SPANS_MIGRATION)) {
    for (const statement of statements(render(loadSql('trace-id-ts-backfill.sql'), context))) {
      await run(client, statement, 'indexing spans written during the migrations by trace id');
    }
  }
  applied.push(...(await reconcileTableSettings(client, context)));
  return { applied, skipped, version: migrations.at(-1)?.version ?? '' };
}

async function appliedChecksums(client: ClickHouseClient, database: string): Promise<Map<string, string>> {
  try {
    const result = await client.query({
      query: `SELECT Version, Checksum FROM ${quoteIdentifier(database)}.firefly_schema_migrations FINAL`,
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
      table: `${quoteIdentifier(database)}.firefly_schema_migrations`,
      values: [{ Version: version, Checksum: checksum }],
      format: 'JSONEachRow',
      columns: ['Version', 'Checksum'],
      clickhouse_settings: { insert_deduplication_token: `migration:${version}` },
    });
  } catch (error) {
    throw classify(error, `recording migration ${version}`);
  }
}

/**
 * `ALTER`s each table whose TTL or deduplication window differs from the configuration; returns
 * what changed, e.g. `ttl otel_traces: 7 days`, `dedup window otel_traces: 500 blocks`.
 */
async function reconcileTableSettings(client: ClickHouseClient, context: RenderContext): Promise<string[]> {
  const changed: string[] = [];
  for (const { name, engine_full } of await tableEngines(client, context.database)) {
    for (const change of [
      ttlChange(name, engine_full, context),
      dedupWindowChange(name, engine_full, context),
    ]) {
      if (change === undefined) continue;
      await run(
        client,
        `ALTER TABLE ${quoteIdentifier(context.database)}.${name} ${change.alter}`,
        `changing the ${change.setting} of ${name}`,
      );
      changed.push(`${change.report} ${name}: ${change.value}`);
    }
  }
  return changed;
}

interface SettingChange {
  /** What follows `ALTER TABLE db.table`. */
  alter: string;
  setting: string;
  report: string;
  value: string;
}

async function tableEngines(
  client: ClickHouseClient,
  database: string,
): Promise<{ name: string; engine_full: string }[]> {
  try {
    const result = await client.query({
      query: 'SELECT name, engine_full FROM system.tables WHERE database = {database:String}',
      query_params: { database },
      format: 'JSONEachRow',
    });
    return await result.json<{ name: string; engine_full: string }>();
  } catch (error) {
    throw classify(error, 'reading table settings');
  }
}

function ttlChange(name: string, engineFull: string, context: RenderContext): SettingChange | undefined {
  const column = TTL_COLUMNS[name];
  if (column === undefined) return undefined;
  const wanted = ttlClause(column, context.ttlDays);
  const current = /\bTTL (.+?) SETTINGS /.exec(engineFull)?.[1] ?? '';
  if (current === wanted.replace(/^TTL /, '')) return undefined;
  return {
    // Without materializing: existing parts follow the new TTL as they merge or expire whole.
    alter: `${wanted === '' ? 'REMOVE TTL' : `MODIFY ${wanted}`} SETTINGS materialize_ttl_after_modify = 0`,
    setting: 'TTL',
    report: 'ttl',
    value: context.ttlDays > 0 ? `${context.ttlDays} days` : 'none',
  };
}

function dedupWindowChange(
  name: string,
  engineFull: string,
  context: RenderContext,
): SettingChange | undefined {
  if (!DEDUP_TABLES.has(name)) return undefined;
  // Absent from engine_full means the MergeTree default, 0: no deduplication at all.
  const current = /\bnon_replicated_deduplication_window = (\d+)/.exec(engineFull)?.[1] ?? '0';
  if (Number(current) === context.dedupWindow) return undefined;
  return {
    alter: `MODIFY SETTING non_replicated_deduplication_window = ${context.dedupWindow}`,
    setting: 'deduplication window',
    report: 'dedup window',
    value: `${context.dedupWindow} blocks`,
  };
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
