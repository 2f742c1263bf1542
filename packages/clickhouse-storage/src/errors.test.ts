import { freePort } from '@firefly/devstack';
import type { Span } from '@firefly/model';
import { isRetryable } from '@firefly/storage';
import { describe, expect, it } from 'vitest';
import {
  clickhouseUrl,
  hex,
  lambdaSpans,
  metric,
  pointsOf,
  rawClient,
  scalar,
  storage,
} from '../test-support/storage.js';
import { ClickHouseStorage } from './clickhouse-storage.js';
import { ClickHouseStorageConfigError, INSERT_FORMATS } from './config.js';

const batch = () => ({ id: `b-${Math.random()}`, spans: lambdaSpans(3) });

describe('errors say whether a retry can help', () => {
  it('a server that is not there: UNAVAILABLE, retryable', async () => {
    const adapter = new ClickHouseStorage({
      url: `http://127.0.0.1:${await freePort()}`,
      requestTimeoutMs: 2_000,
    });
    const error = await adapter.writeSpans(batch()).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: true, backend: 'clickhouse' });
    expect((error as Error).message).toMatch(
      /^inserting 3 rows into firefly\.otel_traces: ClickHouse unreachable: /,
    );
    expect(await adapter.health()).toMatchObject({
      healthy: false,
      detail: expect.stringContaining('unreachable'),
    });
    await adapter.close();
  });

  it('a database that was never migrated: SCHEMA, permanent, and health says so', async () => {
    const adapter = storage();
    await expect(adapter.writeSpans(batch())).rejects.toMatchObject({
      code: 'SCHEMA',
      retryable: false,
      message: expect.stringContaining('ClickHouse UNKNOWN_DATABASE'),
    });
    expect(await adapter.health()).toMatchObject({
      healthy: false,
      detail: expect.stringContaining('is not migrated'),
    });
    await adapter.close();
  });

  it('wrong credentials: UNAUTHORIZED, permanent', async () => {
    const adapter = storage({ username: 'nobody', password: 'wrong' });
    await expect(adapter.writeSpans(batch())).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
      retryable: false,
    });
    await adapter.close();
  });

  it('a value the schema cannot hold is refused before anything is sent, naming the span', async () => {
    const adapter = storage();
    const spans = lambdaSpans(3);
    (spans[2] as { startTimeUnixNano: bigint }).startTimeUnixNano = 2n ** 63n;
    const error = await adapter.writeSpans({ id: 'x', spans }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_DATA', retryable: false });
    expect((error as Error).message).toBe(
      `span 2 (${spans[2]?.spanId}) start time is 9223372036854775808 ns, outside what DateTime64(9) holds (1900 to 2262)`,
    );
    await adapter.close();
  });

  for (const insertFormat of INSERT_FORMATS) {
    it(`${insertFormat}: an Int32 or UInt32 field out of range is INVALID_DATA naming it, before anything is sent`, async () => {
      // Not migrated: a batch that reached ClickHouse would fail with SCHEMA instead.
      const adapter = storage({ insertFormat });
      const refused = async (write: Promise<unknown>) => {
        const error = await write.catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'INVALID_DATA', retryable: false, backend: 'clickhouse' });
        return (error as Error).message;
      };
      const spans = lambdaSpans(3);
      const span = spans[1] as Span;
      span.flags = 2 ** 32;
      expect(await refused(adapter.writeSpans({ id: 'x', spans }))).toBe(
        `span 1 (${span.spanId}) flags is 4294967296, outside UInt32`,
      );
      span.flags = 1.5;
      expect(await refused(adapter.writeSpans({ id: 'x', spans }))).toBe(
        `span 1 (${span.spanId}) flags is 1.5, not a whole number for UInt32`,
      );
      span.flags = 1;
      span.droppedLinksCount = -1;
      expect(await refused(adapter.writeSpans({ id: 'x', spans }))).toBe(
        `span 1 (${span.spanId}) dropped links count is -1, outside UInt32`,
      );
      const m = metric();
      const { gauge, exponentialHistogram } = pointsOf(m);
      exponentialHistogram.negative.offset = -(2 ** 31) - 1;
      expect(await refused(adapter.writeMetrics({ id: 'x', points: [gauge, exponentialHistogram] }))).toBe(
        `point 1 (${m.name}) negative offset is -2147483649, outside Int32`,
      );
      const resource = { ...m.resource, droppedAttributesCount: 2 ** 32 + 5 };
      const other = { ...gauge, metric: { ...m, resource } };
      expect(await refused(adapter.writeMetrics({ id: 'x', points: [gauge, other] }))).toBe(
        `point 1 (${m.name}) resource dropped attributes count is 4294967301, outside UInt32`,
      );
      // Only JavaScript callers can send one: the error names it, whichever table it would go to.
      const unknown = { ...gauge, type: 'histogramm' } as unknown as typeof gauge;
      expect(await refused(adapter.writeMetrics({ id: 'x', points: [gauge, unknown] }))).toBe(
        `point 1 (${m.name}) type is "histogramm", not a point type`,
      );
      await adapter.close();
    });
  }

  it('whatever else encoding throws is INVALID_DATA naming the span or point, never retryable', async () => {
    const adapter = storage();
    const spans = lambdaSpans(3);
    // What a JavaScript caller can hand in despite the types: a number where a bigint belongs.
    (spans[2] as unknown as { endTimeUnixNano: number }).endTimeUnixNano = 5;
    const spanError = await adapter.writeSpans({ id: 'x', spans }).catch((e: unknown) => e);
    expect(spanError).toMatchObject({ code: 'INVALID_DATA', retryable: false });
    expect((spanError as Error).message).toMatch(/^span 2 cannot be encoded: Cannot mix BigInt/);
    expect((spanError as Error).cause).toBeInstanceOf(TypeError);

    const { gauge, sum } = pointsOf(metric());
    (sum as unknown as { exemplars: null }).exemplars = null;
    const pointError = await adapter.writeMetrics({ id: 'x', points: [gauge, sum] }).catch((e: unknown) => e);
    expect(pointError).toMatchObject({ code: 'INVALID_DATA', retryable: false });
    expect((pointError as Error).message).toMatch(/^point 1 cannot be encoded: /);
    await adapter.close();
  });

  it('a batch whose spans fall on more than 100 days: INVALID_DATA, permanent, before anything is sent', async () => {
    const adapter = storage({ ttlDays: 0 });
    await adapter.migrate();
    const day = 86_400_000;
    const traceId = hex(16);
    const spans = Array.from({ length: 101 }, (_, i) => lambdaSpans(1, traceId, (i + 1) * day)).flat();
    const error = await adapter.writeSpans({ id: `days-${hex(4)}`, spans }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'INVALID_DATA', retryable: false });
    expect((error as Error).message).toMatch(
      /^inserting 101 rows into test_\w+\.otel_traces: Too many partitions for single INSERT block \(more than 100\): the rows fall on 101 days \(partition key toDate\(Timestamp\)\), refused before anything was sent$/,
    );
    // One day less is an ordinary batch: the limit, not the spread of times, is what is refused.
    await adapter.writeSpans({ id: `days-${hex(4)}`, spans: spans.slice(1) });
    expect(
      await scalar(
        `SELECT count() FROM \`${adapter.options.database}\`.otel_traces WHERE TraceId = '${traceId}'`,
      ),
    ).toBe('100');
    await adapter.close();
  });

  it('a metrics batch with one table over 100 days: INVALID_DATA before any table stores its rows', async () => {
    // Had the gauge been stored, the collector's retry of the split batch (new ids) would store it twice.
    const adapter = storage({ ttlDays: 0 });
    await adapter.migrate();
    const database = `\`${adapter.options.database}\``;
    const m = metric();
    const { gauge, sum } = pointsOf(m);
    const day = 86_400_000_000_000n;
    const sums = Array.from({ length: 101 }, (_, i) => ({
      ...sum,
      timeUnixNano: sum.timeUnixNano - BigInt(i) * day,
    }));
    const error = await adapter
      .writeMetrics({ id: `days-${hex(4)}`, points: [gauge, ...sums] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INVALID_DATA',
      retryable: false,
      message: expect.stringMatching(
        /^inserting 101 rows into test_\w+\.otel_metrics_sum: Too many partitions for single INSERT block \(more than 100\): the rows fall on 101 days \(partition key toDate\(TimeUnix\)\)/,
      ),
    });
    const stored = (table: string) =>
      scalar(`SELECT count() FROM ${database}.${table} WHERE MetricName = '${m.name}'`);
    expect(await stored('otel_metrics_gauge')).toBe('0');
    expect(await stored('otel_metrics_sum')).toBe('0');
    // 100 days is what ClickHouse accepts: the same check lets it through.
    await adapter.writeMetrics({ id: `days-${hex(4)}`, points: [gauge, ...sums.slice(1)] });
    expect(await stored('otel_metrics_gauge')).toBe('1');
    expect(await stored('otel_metrics_sum')).toBe('100');
    await adapter.close();
  });

  it('a metrics batch refused by ClickHouse in one table and unmigrated in another: SCHEMA, so the collector retries it whole', async () => {
    // JSON lets a value through to ClickHouse that the altered column refuses (INVALID_DATA); the
    // gauge table is gone (SCHEMA). Reporting INVALID_DATA would make the collector split the batch
    // and write the halves under new ids: the histogram stored below would be stored again.
    const adapter = storage({ insertFormat: 'JSONCompactEachRow' });
    await adapter.migrate();
    const database = `\`${adapter.options.database}\``;
    const client = rawClient();
    await client.command({
      query: `ALTER TABLE ${database}.otel_metrics_sum MODIFY COLUMN Value Decimal32(2) SETTINGS mutations_sync = 1`,
    });
    await client.command({ query: `DROP TABLE ${database}.otel_metrics_gauge` });
    await client.close();
    const m = metric();
    const { gauge, sum, histogram } = pointsOf(m);
    sum.value = 1e300;
    const error = await adapter
      .writeMetrics({ id: `ranked-${hex(4)}`, points: [sum, gauge, histogram] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'SCHEMA',
      retryable: false,
      message: expect.stringMatching(
        /^inserting 1 rows into \w+\.otel_metrics_gauge: ClickHouse UNKNOWN_TABLE/,
      ),
    });
    expect(
      await scalar(`SELECT count() FROM ${database}.otel_metrics_histogram WHERE MetricName = '${m.name}'`),
    ).toBe('1');
    await adapter.close();
  });

  it('a metrics batch failing in one table for now and in another for good: retryable, after every insert ended', async () => {
    const adapter = storage();
    await adapter.migrate();
    const database = `\`${adapter.options.database}\``;
    const m = metric();
    const { gauge, sum, histogram } = pointsOf(m);
    // The sum table refuses inserts while it has a part (OVERLOADED, retryable); the gauge table is
    // gone (SCHEMA, permanent); the histogram insert is large, so it ends last and succeeds.
    await adapter.writeMetrics({ id: `seed-${hex(4)}`, points: [sum] });
    const client = rawClient();
    await client.command({
      query: `ALTER TABLE ${database}.otel_metrics_sum MODIFY SETTING parts_to_throw_insert = 1, parts_to_delay_insert = 1`,
    });
    await client.command({ query: `DROP TABLE ${database}.otel_metrics_gauge` });
    await client.close();
    const histograms = Array.from({ length: 20_000 }, () => histogram);
    const error = await adapter
      .writeMetrics({ id: `mixed-${hex(4)}`, points: [gauge, sum, ...histograms] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'OVERLOADED',
      retryable: true,
      message: expect.stringMatching(
        /^inserting 1 rows into \w+\.otel_metrics_sum: ClickHouse TOO_MANY_PARTS/,
      ),
    });
    expect(isRetryable(error)).toBe(true);
    expect(
      await scalar(`SELECT count() FROM ${database}.otel_metrics_histogram WHERE MetricName = '${m.name}'`),
    ).toBe('20000');
    await adapter.close();
  });

  it('after close: CLOSED, permanent; close twice is fine', async () => {
    const adapter = storage();
    await adapter.close();
    await adapter.close();
    await expect(adapter.writeSpans(batch())).rejects.toMatchObject({ code: 'CLOSED', retryable: false });
    expect(isRetryable(await adapter.migrate().catch((e: unknown) => e))).toBe(false);
  });
});

describe('configuration', () => {
  it('names the field that is wrong', () => {
    const bad = (options: object) => () => new ClickHouseStorage({ url: clickhouseUrl(), ...options });
    expect(bad({ url: 'not a url' })).toThrow(
      new ClickHouseStorageConfigError('url', '"not a url" is not a URL'),
    );
    expect(bad({ url: 'ftp://x' })).toThrow('url: must be http: or https:, got "ftp:"');
    expect(bad({ database: 'x; DROP TABLE y' })).toThrow(
      'database: must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*), got "x; DROP TABLE y"',
    );
    expect(bad({ ttlDays: -1 })).toThrow('ttlDays: must be a whole number from 0 to 36500, got -1');
    expect(bad({ dedupWindow: 0.5 })).toThrow(
      'dedupWindow: must be a whole number from 1 to 100000, got 0.5',
    );
    expect(bad({ insertFormat: 'CSV' })).toThrow(
      'insertFormat: must be one of Native, RowBinary, JSONCompactEachRow, got "CSV"',
    );
  });

  it('fills in the defaults', () => {
    expect(new ClickHouseStorage({ url: clickhouseUrl() }).options).toEqual({
      url: clickhouseUrl(),
      username: 'default',
      password: '',
      database: 'firefly',
      ttlDays: 30,
      compression: false,
      requestTimeoutMs: 30_000,
      dedupWindow: 10_000,
      maxOpenConnections: 10,
      insertFormat: 'Native',
    });
  });
});
