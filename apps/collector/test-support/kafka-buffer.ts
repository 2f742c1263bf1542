export { until } from './collector.js';

import { createClient } from '@clickhouse/client';
import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import {
  AggregationTemporality,
  type Metric,
  type MetricPoint,
  type Span,
  SpanKind,
  StatusCode,
} from '@firefly/model';
import type {
  HealthReport,
  MetricBatch,
  MigrationReport,
  SpanBatch,
  StorageAdapter,
  WriteResult,
} from '@firefly/storage';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import type { BufferLogger, KafkaBufferTuning } from '../src/buffer/config.js';
import { KafkaPipeline } from '../src/buffer/kafka-pipeline.js';
import { type CollectorConfig, type CollectorConfigInput, configSchema } from '../src/config/schema.js';
import { StorageWriter } from '../src/exporter/storage-writer.js';
import { CollectorMetrics } from '../src/telemetry/metrics.js';
import { hex, resource, scope, stack, unique } from './stack.js';

export { hex, stack, unique };

/** A configuration with topics and a group of its own, quick batches and quick timeouts. */
export function bufferConfig(
  kafka: Partial<CollectorConfigInput['kafka']> = {},
  pipeline: Partial<CollectorConfigInput['pipeline']> = {},
): CollectorConfig {
  const { clickhouseUrl, kafkaBrokers } = stack();
  const id = unique('buffer');
  return configSchema.parse({
    pipeline: { mode: 'kafka', batchTimeoutMs: 100, retryAfterSeconds: 7, ...pipeline },
    kafka: {
      brokers: kafkaBrokers,
      groupId: `${id}-writers`,
      partitions: 3,
      requestTimeoutMs: 10_000,
      topics: { traces: `${id}.traces`, metrics: `${id}.metrics`, deadLetter: `${id}.dead-letter` },
      ...kafka,
    },
    storage: { clickhouse: { url: clickhouseUrl } },
  });
}

/** A migrated ClickHouse database of its own, kept forever (fixtures have fixed timestamps). */
export async function testStorage(): Promise<ClickHouseStorage> {
  const storage = new ClickHouseStorage({
    url: stack().clickhouseUrl,
    database: unique('buffer'),
    ttlDays: 0,
  });
  await storage.migrate();
  return storage;
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger that keeps what it is told, for tests that check a warning was given. */
export function memoryLogger(): BufferLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (fields: Record<string, unknown>, message: string) => {
    lines.push({ level, fields, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface TestPipeline {
  pipeline: KafkaPipeline;
  metrics: CollectorMetrics;
  logger: ReturnType<typeof memoryLogger>;
}

export function kafkaPipeline(
  config: CollectorConfig,
  storage?: StorageAdapter,
  tuning: Partial<KafkaBufferTuning> = {},
): TestPipeline {
  const metrics = new CollectorMetrics();
  const logger = memoryLogger();
  const writer =
    storage === undefined ? undefined : new StorageWriter(storage, metrics, { initialBackoffMs: 50 });
  const pipeline = new KafkaPipeline({
    config: { ...config, kafka: { ...config.kafka, consume: storage !== undefined } },
    metrics,
    logger,
    ...(writer === undefined ? {} : { writer }),
    tuning,
  });
  return { pipeline, metrics, logger };
}

/**
 * A real adapter with a hook around span writes, to make storage slow, failing or "crash" at
 * exact points; records every span batch id it was asked to write.
 */
export class HookedStorage implements StorageAdapter {
  readonly name = 'hooked';
  readonly spanBatchIds: string[] = [];

  constructor(
    readonly inner: StorageAdapter,
    private readonly hook: (batch: SpanBatch, write: () => Promise<WriteResult>) => Promise<WriteResult> = (
      _batch,
      write,
    ) => write(),
  ) {}

  migrate(): Promise<MigrationReport> {
    return this.inner.migrate();
  }

  writeSpans(batch: SpanBatch): Promise<WriteResult> {
    this.spanBatchIds.push(batch.id);
    return this.hook(batch, () => this.inner.writeSpans(batch));
  }

  writeMetrics(batch: MetricBatch): Promise<WriteResult> {
    return this.inner.writeMetrics(batch);
  }

  health(): Promise<HealthReport> {
    return this.inner.health();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Rows in the span table and distinct span ids among them: equal unless something is stored twice. */
export async function spanCounts(storage: ClickHouseStorage): Promise<{ rows: number; distinct: number }> {
  const client = createClient({ url: stack().clickhouseUrl });
  try {
    const result = await client.query({
      query: `SELECT count() AS rows, uniqExact(SpanId) AS distinct FROM ${storage.options.database}.otel_traces`,
      format: 'JSONEachRow',
    });
    const [row] = await result.json<{ rows: string; distinct: string }>();
    return { rows: Number(row?.rows), distinct: Number(row?.distinct) };
  } finally {
    await client.close();
  }
}

export function kafkaAdmin() {
  return new Kafka({ clientId: 'buffer-test', brokers: stack().kafkaBrokers, logLevel: logLevel.NOTHING });
}

/** The group's committed offset and metadata per partition, beside each partition's end. */
/** The partitions of `topic` that hold records. */
export async function partitionsWithRecords(topic: string): Promise<number[]> {
  const admin = kafkaAdmin().admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.filter(({ high }) => high !== '0').map(({ partition }) => partition);
  } finally {
    await admin.disconnect();
  }
}

export async function committedVersusEnd(
  groupId: string,
  topic: string,
): Promise<{ partition: number; committed: string; metadata: string | null; end: string }[]> {
  const admin = kafkaAdmin().admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends
      .map(({ partition, high }) => {
        const mine = committed?.partitions.find((p) => p.partition === partition);
        return { partition, committed: mine?.offset ?? '-1', metadata: mine?.metadata ?? null, end: high };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/** Every record of a topic, read with a throwaway group until `count` arrived. */
export async function readTopic(
  topic: string,
  count: number,
  timeoutMs = 30_000,
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafkaAdmin().consumer({ groupId: unique('reader'), maxWaitTimeInMs: 100 });
  const read: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${read.length} of ${count} records of ${topic}`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            read.push({ partition, message });
            if (read.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
    return read;
  } finally {
    await consumer.disconnect();
  }
}

const T0 = 1_764_000_000_000_000_000n;

/** Lambda-like spans of one trace, with events, links and attributes of several types. */
export function traceSpans(count: number, traceId = hex(16), name = 'POST /orders/{id}'): Span[] {
  const start = T0 + BigInt(Math.floor(Math.random() * 1e9)) * 1_000n;
  return Array.from({ length: count }, (_, i) => ({
    resource,
    scope,
    traceId,
    spanId: hex(8),
    parentSpanId: i === 0 ? '' : '0123456789abcdef',
    traceState: i === 0 ? 'vendor=1' : '',
    flags: 1,
    name,
    kind: i === 0 ? SpanKind.SERVER : SpanKind.CLIENT,
    startTimeUnixNano: start + BigInt(i) * 1_000n,
    endTimeUnixNano: start + BigInt(i) * 1_000n + 12_345_678n,
    attributes: {
      'faas.coldstart': i === 0,
      'faas.invocation_id': `inv-${i}`,
      'http.response.status_code': 200n,
      'retry.ratio': 0.25,
      tags: ['a', 'b'],
    },
    droppedAttributesCount: 0,
    events:
      i === 0
        ? [
            {
              timeUnixNano: start + 5n,
              name: 'exception',
              attributes: { 'exception.type': 'Timeout' },
              droppedAttributesCount: 0,
            },
          ]
        : [],
    droppedEventsCount: 0,
    links:
      i === 1
        ? [
            {
              traceId: hex(16),
              spanId: hex(8),
              traceState: '',
              attributes: {},
              droppedAttributesCount: 0,
              flags: 1,
            },
          ]
        : [],
    droppedLinksCount: 0,
    status: { code: i === 0 ? StatusCode.ERROR : StatusCode.UNSET, message: i === 0 ? 'timed out' : '' },
  }));
}

/** One point of each type, under metric names starting with `prefix`. */
export function metricPoints(prefix: string): MetricPoint[] {
  const metric = (name: string, unit: string): Metric => ({
    resource,
    scope,
    name: `${prefix}.${name}`,
    description: `${name} of the function`,
    unit,
    metadata: {},
  });
  const base = {
    attributes: { 'faas.name': 'checkout' },
    startTimeUnixNano: T0,
    timeUnixNano: T0 + 60_000_000_000n,
    flags: 0,
  };
  return [
    { ...base, metric: metric('memory', 'By'), type: 'gauge', value: 123.5, exemplars: [] },
    {
      ...base,
      metric: metric('invocations', '{invocation}'),
      type: 'sum',
      value: 42n,
      temporality: AggregationTemporality.DELTA,
      monotonic: true,
      exemplars: [],
    },
    {
      ...base,
      metric: metric('duration', 'ms'),
      type: 'histogram',
      temporality: AggregationTemporality.CUMULATIVE,
      count: 6n,
      sum: 321.5,
      min: 1.5,
      max: 200,
      explicitBounds: [10, 100],
      bucketCounts: [2n, 3n, 1n],
      exemplars: [],
    },
    {
      ...base,
      metric: metric('latency', 'ms'),
      type: 'exponential_histogram',
      temporality: AggregationTemporality.DELTA,
      count: 5n,
      sum: 12.5,
      min: 0.5,
      max: 6,
      scale: 2,
      zeroCount: 1n,
      zeroThreshold: 0,
      positive: { offset: 1, bucketCounts: [1n, 2n, 1n] },
      negative: { offset: 0, bucketCounts: [] },
      exemplars: [],
    },
    {
      ...base,
      metric: metric('billed', 'ms'),
      type: 'summary',
      count: 3n,
      sum: 90,
      quantiles: [
        { quantile: 0, value: 10 },
        { quantile: 1, value: 50 },
      ],
      statistics: {},
    },
  ];
}

export const bySpanId = (a: Span, b: Span) => a.spanId.localeCompare(b.spanId);
export const byMetricName = (a: MetricPoint, b: MetricPoint) => a.metric.name.localeCompare(b.metric.name);
