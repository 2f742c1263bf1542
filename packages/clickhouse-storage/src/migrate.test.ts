import type { Span } from '@firefly/model';
import { afterEach, describe, expect, it } from 'vitest';
import {
  hex,
  lambdaSpans,
  metric,
  pointsOf,
  rawClient,
  scalar,
  storage,
  uniqueDatabase,
} from '../test-support/storage.js';
import type { ClickHouseStorage } from './clickhouse-storage.js';
import { loadMigrations, loadSql, render, statements } from './migrations/sql-files.js';

const ALL = ['0001_traces', '0002_trace_id_ts', '0003_metrics', '0004_trace_id_ts_by_start'];
const LATEST = '0004_trace_id_ts_by_start';
const opened: ClickHouseStorage[] = [];
function open(options: Parameters<typeof storage>[0] = {}) {
  const adapter = storage(options);
  opened.push(adapter);
  return adapter;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()));
});

/**
 * Runs the given migrations' statements the way migrate() renders them, as an older adapter (or a
 * migration cut short) would have left the database; `record` also writes them down as applied.
 */
async function migrateOnly(adapter: ClickHouseStorage, versions: readonly string[], record: boolean) {
  const client = rawClient();
  const context = adapter.options;
  await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${context.database}\`` });
  const migrations = loadMigrations().filter((m) => versions.includes(m.version));
  const scripts = migrations.map((m) => m.template);
  if (record) scripts.unshift(loadSql('schema-migrations.sql'));
  for (const script of scripts) {
    for (const query of statements(render(script, context))) await client.command({ query });
  }
  if (record) {
    await client.insert({
      table: `\`${context.database}\`.firefly_schema_migrations`,
      values: migrations.map((m) => ({ Version: m.version, Checksum: m.checksum })),
      format: 'JSONEachRow',
    });
  }
  await client.close();
}

describe('migrations', () => {
  it('create every table once, record each, and do nothing the second time', async () => {
    const adapter = open();
    expect(await adapter.migrate()).toEqual({ applied: ALL, skipped: [], version: LATEST });
    expect(await adapter.migrate()).toEqual({ applied: [], skipped: ALL, version: LATEST });
    const tables = await scalar(
      `SELECT arrayStringConcat(groupArray(name), ',') FROM (SELECT name FROM system.tables WHERE database = '${adapter.options.database}' ORDER BY name)`,
    );
    expect(tables.split(',')).toEqual([
      'firefly_schema_migrations',
      'otel_metrics_exponential_histogram',
      'otel_metrics_gauge',
      'otel_metrics_histogram',
      'otel_metrics_sum',
      'otel_metrics_summary',
      'otel_traces',
      'otel_traces_trace_id_ts',
      'otel_traces_trace_id_ts_by_start_mv',
    ]);
  });

  it('are safe from two replicas at the same moment: both succeed, each migration is recorded once', async () => {
    const database = uniqueDatabase();
    const reports = await Promise.all([
      open({ database }).migrate(),
      open({ database }).migrate(),
      open({ database }).migrate(),
    ]);
    const appliedSomewhere = new Set(reports.flatMap((r) => r.applied));
    expect([...appliedSomewhere].sort()).toEqual(ALL);
    for (const report of reports) expect(report.version).toBe(LATEST);
    // No FINAL: the insert's deduplication token, not a later merge, keeps one row per version.
    expect(await scalar(`SELECT count() FROM ${database}.firefly_schema_migrations`)).toBe(
      String(ALL.length),
    );
    expect(await open({ database }).migrate()).toMatchObject({ applied: [], skipped: ALL });
  });

  it('refuse a migration that was changed after it was applied', async () => {
    const adapter = open();
    await adapter.migrate();
    const client = rawClient();
    await client.command({
      query: `ALTER TABLE ${adapter.options.database}.firefly_schema_migrations UPDATE Checksum = 'edited' WHERE Version = '0002_trace_id_ts' SETTINGS mutations_sync = 1`,
    });
    await client.close();
    await expect(adapter.migrate()).rejects.toMatchObject({
      code: 'SCHEMA',
      retryable: false,
      message: expect.stringMatching(
        /^migration 0002_trace_id_ts was changed after it was applied \(checksum edited in /,
      ),
    });
  });

  it('bring every table to the configured TTL, and remove it with 0', async () => {
    const database = uniqueDatabase();
    const ttlOf = (table: string) =>
      scalar(
        `SELECT extract(engine_full, 'TTL (.+?) SETTINGS') FROM system.tables WHERE database = '${database}' AND name = '${table}'`,
      );
    await open({ database, ttlDays: 30 }).migrate();
    expect(await ttlOf('otel_traces')).toBe('toDateTime(Timestamp) + toIntervalDay(30)');
    expect(await ttlOf('otel_metrics_sum')).toBe('toDateTime(TimeUnix) + toIntervalDay(30)');

    const report = await open({ database, ttlDays: 7 }).migrate();
    expect(report.applied).toContain('ttl otel_traces: 7 days');
    expect(report.applied).toHaveLength(7);
    expect(await ttlOf('otel_traces')).toBe('toDateTime(Timestamp) + toIntervalDay(7)');
    expect(await ttlOf('otel_traces_trace_id_ts')).toBe('toDateTime(Start) + toIntervalDay(7)');
    expect((await open({ database, ttlDays: 7 }).migrate()).applied).toEqual([]);

    await open({ database, ttlDays: 0 }).migrate();
    expect(await ttlOf('otel_metrics_gauge')).toBe('');
  });

  it('give tables the deduplication window that makes retried batches disappear, and change it later', async () => {
    const database = uniqueDatabase();
    const windowOf = (table: string) =>
      scalar(
        `SELECT extract(engine_full, 'non_replicated_deduplication_window = (\\d+)') FROM system.tables WHERE database = '${database}' AND name = '${table}'`,
      );
    expect((await open({ database, dedupWindow: 250 }).migrate()).applied).toEqual(ALL);
    expect(await windowOf('otel_traces')).toBe('250');

    const report = await open({ database, dedupWindow: 500 }).migrate();
    expect(report.applied).toEqual([
      'dedup window otel_metrics_exponential_histogram: 500 blocks',
      'dedup window otel_metrics_gauge: 500 blocks',
      'dedup window otel_metrics_histogram: 500 blocks',
      'dedup window otel_metrics_sum: 500 blocks',
      'dedup window otel_metrics_summary: 500 blocks',
      'dedup window otel_traces: 500 blocks',
    ]);
    expect(await windowOf('otel_traces')).toBe('500');
    expect(await windowOf('otel_metrics_summary')).toBe('500');
    // Tables the adapter does not deduplicate keep theirs.
    expect(await windowOf('firefly_schema_migrations')).toBe('1000');
    expect((await open({ database, dedupWindow: 500 }).migrate()).applied).toEqual([]);

    // The window is what ClickHouse uses: at one block, a batch retried after another is stored again.
    const adapter = open({ database, dedupWindow: 1 });
    await adapter.migrate();
    const first = { id: `a-${hex(4)}`, spans: lambdaSpans(3) };
    await adapter.writeSpans(first);
    await adapter.writeSpans({ id: `b-${hex(4)}`, spans: lambdaSpans(3) });
    await adapter.writeSpans(first);
    expect(
      await scalar(
        `SELECT count() FROM ${database}.otel_traces WHERE TraceId = '${first.spans[0]?.traceId}'`,
      ),
    ).toBe('6');
  });
});

describe('trace by id across migrations', () => {
  it('0004 indexes again, by their starts, traces whose latest-starting span the old view indexed by its earlier end', async () => {
    const adapter = open();
    await migrateOnly(adapter, ['0001_traces', '0002_trace_id_ts', '0003_metrics'], true);
    // Written through 0002's view, which stored End = max(start + duration): the second span
    // starts later than the first ends, and its own end is before its start.
    const spans = lambdaSpans(2);
    const [first, skewed] = spans as [Span, Span];
    skewed.startTimeUnixNano = first.endTimeUnixNano + 1_000_000_000n;
    skewed.endTimeUnixNano = skewed.startTimeUnixNano - 5_000_000_000n;
    await adapter.writeSpans({ id: `old-view-${hex(4)}`, spans });
    expect(await adapter.migrate()).toMatchObject({ applied: [LATEST] });
    const read = await adapter.reader.traceById(first.traceId);
    expect(read.map((s) => s.spanId).sort()).toEqual([first.spanId, skewed.spanId].sort());
  });

  it('a write that lands between the span table and its view is found once migrate() ends', async () => {
    // A retried write reaching a fresh database that is being migrated: otel_traces exists, the
    // view that indexes it by trace id does not yet.
    const adapter = open();
    await migrateOnly(adapter, ['0001_traces'], false);
    const early = lambdaSpans(3);
    const [late] = lambdaSpans(1, hex(16), 10 * 86_400_000);
    await adapter.writeSpans({ id: `early-${hex(4)}`, spans: [...early, late as Span] });
    expect((await adapter.migrate()).applied).toEqual(ALL);
    const read = await adapter.reader.spansOfTraces([early[0]?.traceId as string, late?.traceId as string]);
    expect(read.map((s) => s.spanId).sort()).toEqual([...early, late].map((s) => s?.spanId).sort());
    // Afterwards the view indexes new writes; a second migrate() leaves the table alone.
    const after = lambdaSpans(2);
    await adapter.writeSpans({ id: `after-${hex(4)}`, spans: after });
    expect((await adapter.migrate()).applied).toEqual([]);
    expect((await adapter.reader.traceById(after[0]?.traceId as string)).length).toBe(2);
  });
});

describe('a database named like a SQL keyword', () => {
  // `table` is what breaks unquoted on ClickHouse 26 (`INSERT INTO table.otel_traces` is a syntax
  // error); `from` parses either way today and is here because it is the obvious reserved word.
  for (const database of ['table', 'from']) {
    it(`\`${database}\`: migrates, changes settings, writes, reads and reports healthy`, async () => {
      const client = rawClient();
      await client.command({ query: `DROP DATABASE IF EXISTS \`${database}\`` });
      await client.close();
      expect((await open({ database }).migrate()).applied).toEqual(ALL);
      const adapter = open({ database, ttlDays: 7, dedupWindow: 5 });
      expect((await adapter.migrate()).applied).toHaveLength(13);

      const spans = lambdaSpans(3);
      await adapter.writeSpans({ id: `s-${hex(4)}`, spans });
      const read = await adapter.reader.traceById(spans[0]?.traceId as string);
      expect(read.map((s) => s.spanId).sort()).toEqual(spans.map((s) => s.spanId).sort());

      const m = metric();
      await adapter.writeMetrics({ id: `m-${hex(4)}`, points: Object.values(pointsOf(m)) });
      const points = await adapter.reader.metricPoints([m.name]);
      expect(points.map((p) => p.type).sort()).toEqual([
        'exponential_histogram',
        'gauge',
        'histogram',
        'sum',
        'summary',
      ]);
      expect(await adapter.health()).toMatchObject({ healthy: true });
    });
  }
});
