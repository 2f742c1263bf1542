import { randomBytes } from 'node:crypto';
import { createClient } from '@clickhouse/client';
import {
  createAttributes,
  type ExponentialHistogramPoint,
  type GaugePoint,
  type HistogramPoint,
  type InstrumentationScope,
  type Metric,
  type Resource,
  type Span,
  SpanKind,
  StatusCode,
  type SummaryPoint,
  type SumPoint,
} from '@firefly/model';
import { inject } from 'vitest';
import { ClickHouseStorage, type ClickHouseStorageOptions } from '../src/index.js';

export function clickhouseUrl(): string {
  const url = inject('fireflyStack').clickhouseUrl;
  if (url === undefined) throw new Error('the ClickHouse of @firefly/devstack is not running');
  return url;
}

/** A database of its own for each caller, so test files never see each other's rows. */
export function uniqueDatabase(prefix = 'test'): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`;
}

export function storage(options: Partial<ClickHouseStorageOptions> = {}): ClickHouseStorage {
  return new ClickHouseStorage({ url: clickhouseUrl(), database: uniqueDatabase(), ...options });
}

/** A plain client for checks the adapter does not offer (counts, SHOW CREATE, query summaries). */
export function rawClient() {
  return createClient({ url: clickhouseUrl() });
}

export async function scalar(query: string): Promise<string> {
  const client = rawClient();
  try {
    const result = await client.query({ query, format: 'TabSeparated' });
    return (await result.text()).trim();
  } finally {
    await client.close();
  }
}

export const hex = (bytes: number) => randomBytes(bytes).toString('hex');

const resource: Resource = {
  attributes: { 'service.name': 'checkout', 'cloud.region': 'eu-west-1', 'faas.max_memory': 1024n },
  droppedAttributesCount: 0,
  schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
  serviceName: 'checkout',
};
const scope: InstrumentationScope = {
  name: '@firefly/instrumentation',
  version: '0.1.0',
  attributes: createAttributes(),
  droppedAttributesCount: 0,
  schemaUrl: '',
};

/** Lambda-like SERVER spans of one trace, `ageMs` before now (TTLs drop old rows on insert). */
export function lambdaSpans(count: number, traceId = hex(16), ageMs = 60_000): Span[] {
  const start = BigInt(Date.now() - ageMs) * 1_000_000n;
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
    attributes: {
      'faas.trigger': 'http',
      'faas.coldstart': i === 0,
      'faas.invocation_id': `inv-${i}`,
      'http.route': '/orders/{id}',
      'http.response.status_code': 200n,
    },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: i % 10 === 0 ? StatusCode.ERROR : StatusCode.UNSET, message: '' },
  }));
}

/** A metric of the checkout service with a fresh random name (`m_…`). */
export function metric(name = `m_${hex(4)}`): Metric {
  return { resource, scope, name, description: '', unit: '1', metadata: createAttributes() };
}

/** One point of each type of `m`, a minute old (TTLs drop old rows on insert). */
export function pointsOf(m: Metric) {
  const now = BigInt(Date.now() - 60_000) * 1_000_000n;
  const base = { metric: m, attributes: {}, startTimeUnixNano: now - 60_000_000_000n, timeUnixNano: now };
  const gauge: GaugePoint = { ...base, type: 'gauge', flags: 0, value: 1, exemplars: [] };
  const sum: SumPoint = { ...gauge, type: 'sum', temporality: 2, monotonic: true };
  const histogram: HistogramPoint = {
    ...base,
    type: 'histogram',
    flags: 0,
    temporality: 2,
    count: 3n,
    sum: 6,
    min: 1,
    max: 3,
    explicitBounds: [2],
    bucketCounts: [1n, 2n],
    exemplars: [],
  };
  const exponentialHistogram: ExponentialHistogramPoint = {
    ...base,
    type: 'exponential_histogram',
    flags: 0,
    temporality: 2,
    count: 3n,
    sum: 6,
    min: 1,
    max: 3,
    scale: 0,
    zeroCount: 0n,
    zeroThreshold: 0,
    positive: { offset: 0, bucketCounts: [1n, 2n] },
    negative: { offset: 0, bucketCounts: [] },
    exemplars: [],
  };
  const summary: SummaryPoint = {
    ...base,
    type: 'summary',
    flags: 0,
    count: 3n,
    sum: 6,
    quantiles: [{ quantile: 0.5, value: 2 }],
    statistics: {},
  };
  return { gauge, sum, histogram, exponentialHistogram, summary };
}
