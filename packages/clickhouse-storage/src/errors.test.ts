import { freePort } from '@firefly/devstack';
import { isRetryable } from '@firefly/storage';
import { describe, expect, it } from 'vitest';
import { clickhouseUrl, lambdaSpans, storage } from '../test-support/storage.js';
import { ClickHouseStorage } from './clickhouse-storage.js';
import { ClickHouseStorageConfigError } from './config.js';

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
      insertFormat: 'RowBinary',
    });
  });
});
