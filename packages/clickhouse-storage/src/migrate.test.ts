import { afterEach, describe, expect, it } from 'vitest';
import { rawClient, scalar, storage, uniqueDatabase } from '../test-support/storage.js';
import type { ClickHouseStorage } from './clickhouse-storage.js';

const ALL = ['0001_traces', '0002_trace_id_ts', '0003_metrics'];
const opened: ClickHouseStorage[] = [];
function open(options: Parameters<typeof storage>[0] = {}) {
  const adapter = storage(options);
  opened.push(adapter);
  return adapter;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((a) => a.close()));
});

describe('migrations', () => {
  it('create every table once, record each, and do nothing the second time', async () => {
    const adapter = open();
    expect(await adapter.migrate()).toEqual({ applied: ALL, skipped: [], version: '0003_metrics' });
    expect(await adapter.migrate()).toEqual({ applied: [], skipped: ALL, version: '0003_metrics' });
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
      'otel_traces_trace_id_ts_mv',
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
    for (const report of reports) expect(report.version).toBe('0003_metrics');
    // No FINAL: the insert's deduplication token, not a later merge, keeps one row per version.
    expect(await scalar(`SELECT count() FROM ${database}.firefly_schema_migrations`)).toBe('3');
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

  it('give tables the deduplication window that makes retried batches disappear', async () => {
    const adapter = open({ dedupWindow: 250 });
    await adapter.migrate();
    const create = await scalar(
      `SELECT engine_full FROM system.tables WHERE database = '${adapter.options.database}' AND name = 'otel_traces'`,
    );
    expect(create).toContain('non_replicated_deduplication_window = 250');
  });
});
