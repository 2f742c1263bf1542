import { createClient } from '@clickhouse/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { clickHouseVersion } from './server.js';

const ROWS = 100_000;
const BASE_NS = 1_764_000_000_123_456_789n; // 2025-11-24T16:00:00.123456789Z

function row(i: number) {
  const ns = BASE_NS + BigInt(i) * 1_000_003n;
  return {
    // Epoch seconds with nine decimals: the exact nanosecond, no float in between.
    ts: `${ns / 1_000_000_000n}.${(ns % 1_000_000_000n).toString().padStart(9, '0')}`,
    ns,
    service: `fn-${i % 10}`,
    duration_ns: i * 17,
    attributes: i % 3 === 0 ? {} : { 'faas.trigger': i % 2 ? 'http' : 'pubsub', 'req.id': `r${i}` },
  };
}

describe('ClickHouse from the dev stack', () => {
  const url = inject('fireflyStack').clickhouseUrl ?? '';
  const client = createClient({ url });
  afterAll(() => client.close());

  it('is a real ClickHouse 26', async () => {
    expect(await clickHouseVersion(url)).toMatch(/^26\./);
    expect((await client.ping()).success).toBe(true);
  });

  it(`stores ${ROWS} rows with DateTime64(9) and Map columns and returns exact aggregates`, async () => {
    await client.command({
      query: `CREATE TABLE devstack_spans (
        ts DateTime64(9, 'UTC') CODEC(Delta, ZSTD(1)),
        service LowCardinality(String),
        duration_ns UInt64,
        attributes Map(LowCardinality(String), String),
        INDEX idx_service service TYPE bloom_filter GRANULARITY 1
      ) ENGINE = MergeTree PARTITION BY toDate(ts) ORDER BY (service, ts)
        TTL toDateTime(ts) + INTERVAL 3650 DAY`,
    });
    const rows = Array.from({ length: ROWS }, (_, i) => row(i));
    await client.insert({
      table: 'devstack_spans',
      values: rows.map(({ ns: _, ...columns }) => columns),
      format: 'JSONEachRow',
    });

    const result = await client.query({
      query: `SELECT count() AS rows, sum(duration_ns) AS duration, uniqExact(service) AS services,
                toString(toUnixTimestamp64Nano(min(ts))) AS first,
                toString(toUnixTimestamp64Nano(max(ts))) AS last,
                countIf(mapContains(attributes, 'faas.trigger')) AS with_trigger,
                countIf(attributes['faas.trigger'] = 'http') AS http,
                countIf(empty(attributes)) AS empty_maps
              FROM devstack_spans`,
      format: 'JSONEachRow',
    });
    const [aggregates] = await result.json<Record<string, string | number>>();
    const expected = {
      rows: ROWS,
      duration: rows.reduce((sum, r) => sum + r.duration_ns, 0),
      services: 10,
      first: String(rows[0]?.ns),
      last: String(rows.at(-1)?.ns),
      with_trigger: rows.filter((r) => 'faas.trigger' in r.attributes).length,
      http: rows.filter((r) => (r.attributes as Record<string, string>)['faas.trigger'] === 'http').length,
      empty_maps: rows.filter((r) => Object.keys(r.attributes).length === 0).length,
    };
    expect({
      ...aggregates,
      rows: Number(aggregates?.rows),
      duration: Number(aggregates?.duration),
      with_trigger: Number(aggregates?.with_trigger),
      http: Number(aggregates?.http),
      empty_maps: Number(aggregates?.empty_maps),
    }).toEqual(expected);
  });
});
