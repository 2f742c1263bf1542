// What the receiver and server tests share: a real ClickHouse database per test file, a real
// DirectPipeline in front of it, the server built as the collector builds it, and request bodies.
import { gzipSync } from 'node:zlib';
import { ClickHouseStorage } from '@firefly/clickhouse-storage';
import {
  createAttributes,
  type GaugePoint,
  type Metric,
  type MetricPoint,
  type Span,
  SpanKind,
  StatusCode,
  type SumPoint,
} from '@firefly/model';
import { decodeStatus, type RpcStatus } from '@firefly/otlp-codec';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { inject } from 'vitest';
import { type CollectorConfig, type CollectorConfigInput, configSchema } from '../src/config/schema.js';
import { StorageWriter } from '../src/exporter/storage-writer.js';
import { DirectPipeline } from '../src/pipeline/direct-pipeline.js';
import { type Pipeline, PipelineError, type Readiness } from '../src/pipeline/pipeline.js';
import { type BuildServerOptions, buildServer } from '../src/server.js';
import { CollectorMetrics } from '../src/telemetry/metrics.js';
import { hex, resource, scope } from './stack.js';

export { hex };

/** A migrated ClickHouse database of its own, kept forever (ttlDays 0), for one test file. */
export async function testStorage(): Promise<ClickHouseStorage> {
  const url = inject('fireflyStack').clickhouseUrl;
  if (url === undefined) throw new Error('the ClickHouse of @firefly/devstack is not running');
  const storage = new ClickHouseStorage({ url, database: `receivers_${hex(4)}`, ttlDays: 0 });
  await storage.migrate();
  return storage;
}

export interface TestCollectorOptions {
  /** Configuration on top of the test defaults (storage is always the given one). */
  config?: Omit<CollectorConfigInput, 'storage'>;
  /** Another pipeline than the real DirectPipeline on the storage. */
  pipeline?: Pipeline;
  logger?: BuildServerOptions['logger'];
}

export interface TestCollector {
  app: FastifyInstance;
  pipeline: Pipeline;
  metrics: CollectorMetrics;
  config: CollectorConfig;
  /** Stops the pipeline (draining what it accepted into ClickHouse) and closes the server. */
  stop(): Promise<void>;
}

/** The server over a real DirectPipeline writing to `storage`, as the collector wires them. */
export function testCollector(storage: ClickHouseStorage, options: TestCollectorOptions = {}): TestCollector {
  const config = configSchema.parse({
    ...options.config,
    pipeline: { batchTimeoutMs: 20, ...options.config?.pipeline },
    storage: {
      clickhouse: { url: storage.options.url, database: storage.options.database, ttlDays: 0 },
    },
  });
  const metrics = new CollectorMetrics();
  const pipeline =
    options.pipeline ??
    new DirectPipeline(new StorageWriter(storage, metrics), metrics, {
      capacity: config.pipeline.queueCapacity,
      batchMaxItems: config.pipeline.batchMaxItems,
      batchTimeoutMs: config.pipeline.batchTimeoutMs,
      retryAfterSeconds: config.pipeline.retryAfterSeconds,
      log: () => {},
    });
  const app = buildServer({ config, pipeline, metrics, logger: options.logger ?? false });
  return {
    app,
    pipeline,
    metrics,
    config,
    async stop() {
      await pipeline.stop(10_000);
      await app.close();
    },
  };
}

/** Stands in for our own Kafka pipeline while Kafka is unreachable: every submission is refused. */
export class UnavailablePipeline implements Pipeline {
  readonly mode = 'kafka';
  constructor(private readonly retryAfterSeconds = 7) {}
  async submitSpans(): Promise<void> {
    throw new PipelineError(
      'UNAVAILABLE',
      'kafka: no broker answered within 10000 ms',
      this.retryAfterSeconds,
    );
  }
  async submitPoints(): Promise<void> {
    return this.submitSpans();
  }
  /** Kafka fails during the send, not before: the request gets as far as submitting. */
  refusal(): undefined {
    return undefined;
  }
  async readiness(): Promise<Readiness> {
    return { ready: false, checks: { kafka: { ok: false, detail: 'no broker answers' } } };
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}

/** The value of one counter (or gauge) series of the collector's metrics; 0 when absent. */
export async function counterValue(
  metrics: CollectorMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const found = values.find((v) => Object.entries(labels).every(([k, value]) => v.labels[k] === value));
  return found?.value ?? 0;
}

/** The google.rpc.Status of an OTLP error response, in whichever encoding it came. */
export function errorStatus(response: LightMyRequestResponse): RpcStatus {
  const protobuf = String(response.headers['content-type']).startsWith('application/x-protobuf');
  return decodeStatus(response.rawPayload, protobuf ? 'protobuf' : 'json');
}

export function json(response: LightMyRequestResponse): unknown {
  return JSON.parse(response.body);
}

const nowNanos = () => BigInt(Date.now()) * 1_000_000n;

/** Lambda-like SERVER spans of one new trace. */
export function lambdaSpans(count: number, traceId = hex(16)): Span[] {
  const start = nowNanos() - 60_000_000_000n;
  return Array.from({ length: count }, (_, i) => ({
    resource,
    scope,
    traceId,
    spanId: hex(8),
    parentSpanId: i === 0 ? '' : '0123456789abcdef',
    traceState: '',
    flags: 1,
    name: 'POST /orders/{id}',
    kind: SpanKind.SERVER,
    startTimeUnixNano: start + BigInt(i) * 1_000n,
    endTimeUnixNano: start + BigInt(i) * 1_000n + 12_345_678n,
    attributes: { 'faas.trigger': 'http', 'faas.coldstart': i === 0, 'http.response.status_code': 200n },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: StatusCode.OK, message: '' },
  }));
}

export function metricNamed(name: string, unit = '1'): Metric {
  return { resource, scope, name, description: `${name} of the test`, unit, metadata: createAttributes() };
}

/** A gauge and a cumulative sum, each with `count` points, under unique metric names. */
export function lambdaPoints(count: number): { points: MetricPoint[]; names: string[] } {
  const gauge = metricNamed(`lambda_concurrency_${hex(4)}`);
  const sum = metricNamed(`lambda_invocations_${hex(4)}`, '{invocation}');
  const time = nowNanos();
  const points: MetricPoint[] = [];
  for (let i = 0; i < count; i++) {
    const at = time + BigInt(i) * 1_000_000_000n;
    const attributes = { 'faas.name': `fn-${i % 3}` };
    points.push({
      type: 'gauge',
      metric: gauge,
      attributes,
      startTimeUnixNano: 0n,
      timeUnixNano: at,
      flags: 0,
      value: i * 1.5,
      exemplars: [],
    } satisfies GaugePoint);
    points.push({
      type: 'sum',
      metric: sum,
      attributes,
      startTimeUnixNano: time - 60_000_000_000n,
      timeUnixNano: at,
      flags: 0,
      value: BigInt(i * 10),
      temporality: 2,
      monotonic: true,
      exemplars: [],
    } satisfies SumPoint);
  }
  return { points, names: [gauge.name, sum.name] };
}

/** Orders model objects of a test the same way whatever order storage returns them in. */
export function bySpanId(spans: readonly Span[]): Span[] {
  return [...spans].sort((a, b) => (a.spanId < b.spanId ? -1 : 1));
}

/**
 * A gzip body that inflates to `inflatedBytes` of zeros from about a thousandth of that: gzip
 * members of 64 MiB of zeros, one after the other (gunzip reads every member). Built from one
 * compressed member, so a gigabyte costs ~16 small copies.
 */
export function gzipBomb(inflatedBytes: number): Buffer {
  const memberBytes = 64 * 1024 * 1024;
  const member = gzipSync(Buffer.alloc(memberBytes), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(inflatedBytes / memberBytes) }, () => member));
}
