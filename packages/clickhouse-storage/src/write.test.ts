import type { SummaryPoint } from '@firefly/model';
import { createAttributes, type GaugePoint, type SumPoint } from '@firefly/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex, lambdaSpans, metric, pointsOf, rawClient, scalar, storage } from '../test-support/storage.js';
import type { ClickHouseStorage } from './clickhouse-storage.js';

let adapter: ClickHouseStorage;
beforeAll(async () => {
  adapter = storage();
  await adapter.migrate();
});
afterAll(() => adapter.close());

const count = (table: string, where: string) =>
  scalar(`SELECT count() FROM ${adapter.options.database}.${table} WHERE ${where}`);

describe('a retried batch is stored once', () => {
  it('spans: the same id again, even much later and from another adapter', async () => {
    const spans = lambdaSpans(500);
    const traceId = spans[0]?.traceId as string;
    const batch = { id: `kafka:firefly.spans/0/${hex(4)}-1`, spans };
    expect(await adapter.writeSpans(batch)).toEqual({ accepted: 500 });
    expect(await adapter.writeSpans(batch)).toEqual({ accepted: 500 });
    const other = storage({ database: adapter.options.database });
    await other.writeSpans(batch);
    await other.close();
    expect(await count('otel_traces', `TraceId = '${traceId}'`)).toBe('500');
    // A different id with the same spans is a different batch: dedup is by id, as the contract says.
    await adapter.writeSpans({ ...batch, id: `${batch.id}-other` });
    expect(await count('otel_traces', `TraceId = '${traceId}'`)).toBe('1000');
  });

  it('metrics: one insert per table, each deduplicated on its own', async () => {
    const name = `m_${hex(4)}`;
    const metric = {
      resource: {
        attributes: createAttributes(),
        droppedAttributesCount: 0,
        schemaUrl: '',
        serviceName: 'svc',
      },
      scope: {
        name: '',
        version: '',
        attributes: createAttributes(),
        droppedAttributesCount: 0,
        schemaUrl: '',
      },
      name,
      description: '',
      unit: '',
      metadata: createAttributes(),
    };
    const now = BigInt(Date.now()) * 1_000_000n;
    const gauge: GaugePoint = {
      type: 'gauge',
      metric,
      attributes: {},
      startTimeUnixNano: 0n,
      timeUnixNano: now,
      flags: 0,
      value: 1,
      exemplars: [],
    };
    const sum: SumPoint = { ...gauge, type: 'sum', temporality: 2, monotonic: true };
    const batch = { id: `b-${hex(4)}`, points: [gauge, sum, sum] };
    await adapter.writeMetrics(batch);
    await adapter.writeMetrics(batch);
    expect(await count('otel_metrics_gauge', `MetricName = '${name}'`)).toBe('1');
    expect(await count('otel_metrics_sum', `MetricName = '${name}'`)).toBe('2');
  });
});

describe('the deduplication window', () => {
  it('counts insert blocks, one per day a batch falls on, not batches', async () => {
    const windowOfThree = storage({ dedupWindow: 3 });
    await windowOfThree.migrate();
    const day = 86_400_000;
    const traceId = hex(16);
    const twoDays = {
      id: `two-days-${hex(4)}`,
      spans: [...lambdaSpans(2, traceId), ...lambdaSpans(2, traceId, 2 * day)],
    };
    const oneDay = () => ({ id: `one-day-${hex(4)}`, spans: lambdaSpans(1) });
    const stored = () =>
      scalar(
        `SELECT count() FROM \`${windowOfThree.options.database}\`.otel_traces WHERE TraceId = '${traceId}'`,
      );
    await windowOfThree.writeSpans(twoDays);
    await windowOfThree.writeSpans(oneDay());
    // Three blocks so far: the retry's two are both remembered.
    await windowOfThree.writeSpans(twoDays);
    expect(await stored()).toBe('4');
    // Three batches, but four blocks: the first block of the two-day batch is forgotten, and
    // ClickHouse stores the retry again, whole.
    await windowOfThree.writeSpans(oneDay());
    await windowOfThree.writeSpans(twoDays);
    expect(await stored()).toBe('8');
    await windowOfThree.close();
  });
});

describe('metric points read back', () => {
  it('keep a summary statistic named __proto__ as an own key', async () => {
    const m = metric();
    const { summary } = pointsOf(m);
    summary.statistics = Object.fromEntries([
      ['__proto__', 1.5],
      ['TM(25%:75%)', 2.5],
    ]);
    await adapter.writeMetrics({ id: `proto-${hex(4)}`, points: [summary] });
    const [read] = (await adapter.reader.metricPoints([m.name])) as SummaryPoint[];
    expect(Object.entries(read?.statistics ?? {})).toEqual([
      ['__proto__', 1.5],
      ['TM(25%:75%)', 2.5],
    ]);
    expect(Object.getPrototypeOf(read?.statistics)).toBe(Object.prototype);
  });
});

describe('trace by id', () => {
  it('reads only the partitions and time range of the trace, found in the trace id table', async () => {
    const day = 86_400_000;
    const target = lambdaSpans(50, hex(16), 2 * day);
    // Three days of other traces around it: 3 partitions of otel_traces.
    for (const age of [day / 2, 2 * day, 4 * day]) {
      await adapter.writeSpans({
        id: `noise-${age}-${hex(4)}`,
        spans: Array.from({ length: 20 }, () => lambdaSpans(100, hex(16), age)).flat(),
      });
    }
    await adapter.writeSpans({ id: `target-${hex(4)}`, spans: target });
    const spans = await adapter.reader.traceById(target[0]?.traceId as string);
    expect(spans.map((s) => s.spanId).sort()).toEqual(target.map((s) => s.spanId).sort());

    // What ClickHouse read for the same query, with the trace id bloom filter switched off so only
    // the time range from the lookup table can narrow it: one day's partition, not all 6,050 rows.
    const client = rawClient();
    const result = await client.query({
      query: `SELECT count() FROM ${adapter.options.database}.otel_traces WHERE TraceId = {id:String}
              AND Timestamp >= (SELECT min(Start) FROM ${adapter.options.database}.otel_traces_trace_id_ts WHERE TraceId = {id:String})
              AND Timestamp <= (SELECT max(End) FROM ${adapter.options.database}.otel_traces_trace_id_ts WHERE TraceId = {id:String})`,
      query_params: { id: target[0]?.traceId },
      format: 'TabSeparated',
      clickhouse_settings: { use_skip_indexes: 0 },
    });
    expect((await result.text()).trim()).toBe('50');
    const summary = JSON.parse(result.response_headers['x-clickhouse-summary'] as string) as {
      read_rows: string;
    };
    await client.close();
    expect(Number(summary.read_rows)).toBeLessThan(2_500);
  });

  it('finds spans that end before they start, and spans whose end is past what DateTime64 holds', async () => {
    // The lookup table bounds span starts: a bound on ends would miss the first span (its end is
    // before its own start) and overflow on the second (start + Int64 max nanoseconds).
    const [skewed] = lambdaSpans(1);
    const [endless] = lambdaSpans(1);
    if (skewed === undefined || endless === undefined) throw new Error('no spans');
    skewed.endTimeUnixNano = skewed.startTimeUnixNano - 1_000_000_000n;
    endless.endTimeUnixNano = endless.startTimeUnixNano + 2n ** 63n - 1n;
    await adapter.writeSpans({ id: `skew-${hex(4)}`, spans: [skewed, endless] });
    for (const span of [skewed, endless]) {
      const [read] = await adapter.reader.traceById(span.traceId);
      expect([read?.spanId, read?.startTimeUnixNano, read?.endTimeUnixNano]).toEqual([
        span.spanId,
        span.startTimeUnixNano,
        span.endTimeUnixNano,
      ]);
    }
  });

  it('an unknown trace is an empty list', async () => {
    expect(await adapter.reader.traceById(hex(16))).toEqual([]);
  });
});

describe('large batches', () => {
  it('100,000 spans in one batch, stored once even when sent twice', async () => {
    const spans = Array.from({ length: 100 }, () => lambdaSpans(1_000)).flat();
    const batch = { id: `large-${hex(4)}`, spans };
    expect(await adapter.writeSpans(batch)).toEqual({ accepted: 100_000 });
    await adapter.writeSpans(batch);
    const traces = [...new Set(spans.map((s) => `'${s.traceId}'`))].join(',');
    expect(await count('otel_traces', `TraceId IN (${traces})`)).toBe('100000');
  });
});
