import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import type { MetricPoint, Span } from '@firefly/model';
import { type Collector, createCollector } from '../src/collector.js';
import { type CollectorConfigInput, configSchema } from '../src/config/schema.js';

import { stack, unique } from './stack.js';

export { stack, unique };

/** A collector on a free port, its own database (and Kafka topics in Kafka mode), quiet logs. */
export function testCollector(
  mode: 'direct' | 'kafka',
  overrides: Partial<CollectorConfigInput> = {},
): Collector {
  const { clickhouseUrl, kafkaBrokers } = stack();
  const id = unique('e2e');
  const config = configSchema.parse({
    server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 20_000 },
    pipeline: { mode, batchTimeoutMs: 200 },
    kafka:
      mode === 'kafka'
        ? {
            brokers: kafkaBrokers,
            groupId: `${id}-writers`,
            partitions: 3,
            topics: { traces: `${id}.traces`, metrics: `${id}.metrics`, deadLetter: `${id}.dead-letter` },
          }
        : {},
    storage: { clickhouse: { url: clickhouseUrl, database: id, ttlDays: 0 } },
    logLevel: 'warn',
    ...overrides,
  });
  return createCollector(config);
}

/** A reader on the collector's database, for checking what was stored. */
export function readerOf(collector: Collector): ClickHouseStorage {
  return new ClickHouseStorage(collector.config.storage.clickhouse);
}

/** Polls until `count` spans of these traces are stored (or the timeout), then returns them. */
export async function storedSpans(
  collector: Collector,
  traceIds: string[],
  count: number,
  timeoutMs = 60_000,
): Promise<Span[]> {
  const storage = readerOf(collector);
  try {
    return await until(`${count} spans`, timeoutMs, async () => {
      const spans = await storage.reader.spansOfTraces(traceIds);
      return spans.length >= count ? spans : undefined;
    });
  } finally {
    await storage.close();
  }
}

export async function storedPoints(
  collector: Collector,
  names: string[],
  ready: (points: MetricPoint[]) => boolean,
  timeoutMs = 60_000,
): Promise<MetricPoint[]> {
  const storage = readerOf(collector);
  try {
    return await until(`points of ${names.join(', ')}`, timeoutMs, async () => {
      const points = await storage.reader.metricPoints(names);
      return ready(points) ? points : undefined;
    });
  } finally {
    await storage.close();
  }
}

export async function until<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
