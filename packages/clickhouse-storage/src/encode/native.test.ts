import type { MetricPoint, MetricPointType } from '@firefly/model';
import {
  emptySpans,
  exampleMetricPoints,
  exampleSpans,
  exoticAttributeSpans,
  exoticMetricPoints,
} from '@firefly/storage-conformance';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  lambdaSpans,
  metric,
  pointsOf,
  rawClient,
  storage,
  uniqueDatabase,
} from '../../test-support/storage.js';
import type { ClickHouseStorage } from '../clickhouse-storage.js';
import { METRIC_TABLES, POINT_TYPE_COLUMNS, writePoint } from '../rows/metric-layout.js';
import { SPAN_COLUMNS, writeSpan } from '../rows/span-layout.js';
import type { ColumnSpec } from './column-writer.js';
import { NativeEncoder } from './native.js';

// The strongest check of a Native body: ClickHouse's own. Rows stored through another encoder
// (JSONCompactEachRow, which shares nothing with this one but the layouts) are read back in the
// Native format, each column as the type the layout declares (the table's without LowCardinality,
// checked below), and that must be, byte for byte, what the encoder makes of the same rows in the
// same order: names, types, offsets, null maps and every value.

const client = rawClient();
let adapter: ClickHouseStorage;
beforeAll(async () => {
  // The fixtures carry fixed 2025 times: no retention, or the TTL would drop them on insert.
  adapter = storage({ database: uniqueDatabase('native'), ttlDays: 0, insertFormat: 'JSONCompactEachRow' });
  await adapter.migrate();
});
afterAll(async () => {
  await adapter.close();
  await client.close();
});

/** The stored rows in ClickHouse's Native format, each column as its declared type. */
async function nativeOf(table: string, columns: readonly ColumnSpec[], order: string): Promise<Buffer> {
  const select = columns.map(({ name, type }) => `CAST(${name}, '${type}') AS \`${name}\``);
  const result = await client.exec({
    query: `SELECT ${select.join(', ')} FROM ${adapter.options.database}.${table} ${order} FORMAT Native`,
    // One thread, one block: rows over several parts (days) could otherwise come in more.
    clickhouse_settings: {
      max_threads: 1,
      max_block_size: '100000',
      preferred_block_size_bytes: '100000000',
    },
  });
  const chunks: Buffer[] = [];
  for await (const chunk of result.stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function encoded<T>(
  columns: readonly ColumnSpec[],
  rows: readonly T[],
  write: (encoder: NativeEncoder, row: T, index: number) => void,
): Buffer {
  const encoder = new NativeEncoder(columns);
  for (const [i, row] of rows.entries()) write(encoder, row, i);
  return Buffer.concat(encoder.finish());
}

describe('NativeEncoder', () => {
  it('spans: the body is what ClickHouse writes for the rows it stored (events, links, exotic values)', async () => {
    const spans = [...exampleSpans(), ...exoticAttributeSpans(), ...emptySpans(), ...lambdaSpans(50)];
    const traceIds = [...new Set(spans.map((s) => `'${s.traceId}'`))].join(', ');
    await adapter.writeSpans({ id: 'native-spans', spans });
    const sorted = [...spans].sort((a, b) => compare(a.spanId, b.spanId));
    expect(new Set(sorted.map((s) => s.spanId)).size).toBe(spans.length);
    const fromClickHouse = await nativeOf(
      'otel_traces',
      SPAN_COLUMNS,
      `WHERE TraceId IN (${traceIds}) ORDER BY SpanId`,
    );
    const ours = encoded(SPAN_COLUMNS, sorted, writeSpan);
    expect(ours.equals(fromClickHouse), firstDiff(ours, fromClickHouse)).toBe(true);
  });

  it('metric points of every type: each table body is what ClickHouse writes for it', async () => {
    // Distinct times give each table's rows an order both sides can follow.
    const points = [...exampleMetricPoints(), ...exoticMetricPoints()].map(
      (p, i): MetricPoint => ({ ...p, timeUnixNano: 1_750_000_000_000_000_000n + BigInt(i) * 1_000n }),
    );
    await adapter.writeMetrics({ id: 'native-metrics', points });
    const types = Object.keys(METRIC_TABLES) as MetricPointType[];
    for (const type of types) {
      const ofType = points.filter((p) => p.type === type);
      expect(ofType.length, type).toBeGreaterThan(0);
      const columns = POINT_TYPE_COLUMNS[type];
      const fromClickHouse = await nativeOf(METRIC_TABLES[type], columns, 'ORDER BY TimeUnix');
      const ours = encoded(columns, ofType, writePoint);
      expect(ours.equals(fromClickHouse), firstDiff(ours, fromClickHouse)).toBe(true);
    }
  });

  it("every declared column type is the table's without LowCardinality", async () => {
    const tables: [string, readonly ColumnSpec[]][] = [
      ['otel_traces', SPAN_COLUMNS],
      ...(Object.keys(METRIC_TABLES) as MetricPointType[]).map((type): [string, readonly ColumnSpec[]] => [
        METRIC_TABLES[type],
        POINT_TYPE_COLUMNS[type],
      ]),
    ];
    for (const [table, columns] of tables) {
      const result = await client.query({
        query:
          'SELECT name, type FROM system.columns WHERE database = {db:String} AND table = {table:String}',
        query_params: { db: adapter.options.database, table },
        format: 'JSONEachRow',
      });
      const types = new Map((await result.json<ColumnSpec>()).map((c) => [c.name, c.type]));
      const declared = columns.map((c) => `${c.name} ${c.type}`);
      const stored = columns.map(
        (c) => `${c.name} ${types.get(c.name)?.replace(/LowCardinality\((\w+)\)/g, '$1')}`,
      );
      expect(declared, table).toEqual(stored);
    }
  });

  it('a resource shared by many rows is written once and copied into each row', () => {
    const spans = lambdaSpans(3);
    const shared = encoded(SPAN_COLUMNS, spans, writeSpan);
    // The same values in separate objects take the uncached path for every row.
    const copies = spans.map((s) => ({ ...s, resource: { ...s.resource }, scope: { ...s.scope } }));
    const separate = encoded(SPAN_COLUMNS, copies, writeSpan);
    expect(shared.equals(separate)).toBe(true);
  });

  it('a part shared by rows starts small: 5,000 points of as many metrics stay within a few MiB', () => {
    const points = Array.from({ length: 5_000 }, (_, i) => pointsOf(metric(`m_${i}`)).gauge);
    const encoder = new NativeEncoder(POINT_TYPE_COLUMNS.gauge);
    const before = process.memoryUsage().arrayBuffers;
    for (const [i, p] of points.entries()) writePoint(encoder, p, i);
    const grown = process.memoryUsage().arrayBuffers - before;
    // Each metric's part holds a resource, a scope and the metric: 4 KiB per column took 840 MiB.
    expect(grown).toBeLessThan(32 * 2 ** 20);
    expect(encoder.rows).toBe(5_000);
  });

  it('a layout that writes a type its column does not declare is a bug, named with the column', () => {
    const encoder = new NativeEncoder([
      { name: 'A', type: 'String' },
      { name: 'B', type: 'Array(UInt32)' },
    ]);
    encoder.string('a');
    expect(() => encoder.string('b')).toThrow('wrote String into column B (Array(UInt32))');
    const short = new NativeEncoder([
      { name: 'A', type: 'String' },
      { name: 'B', type: 'String' },
    ]);
    short.string('a');
    expect(() => short.endRow()).toThrow("a row wrote 1 of the insert's 2 columns");
  });
});

/** Where two bodies part, for the failure message. */
function firstDiff(a: Buffer, b: Buffer): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  const around = (body: Buffer) => body.subarray(Math.max(0, i - 40), i + 40).toString('latin1');
  return `${a.length} and ${b.length} bytes, first different at ${i}: ${JSON.stringify(around(a))} vs ${JSON.stringify(around(b))}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
