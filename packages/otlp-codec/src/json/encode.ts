import type {
  Attributes,
  AttributeValue,
  Exemplar,
  ExponentialBuckets,
  InstrumentationScope,
  Metric,
  MetricPoint,
  Resource,
  Span,
} from '@firefly/model';
import { groupByResourceAndScope } from '../group.js';
import type { ExportResponse } from '../types.js';

// OTLP/JSON output: lowerCamelCase keys, hex ids, integer enums, 64-bit integers as decimal strings
// (exact, as the protobuf JSON mapping prescribes), doubles as numbers or "NaN"/"Infinity".

type Json = Record<string, unknown>;

export function encodeTracesJson(spans: readonly Span[]): string {
  const resourceSpans = [...groupByResourceAndScope(spans)].map(([resource, scopes]) => ({
    ...resourceJson(resource),
    scopeSpans: [...scopes].map(([scope, list]) => ({ ...scopeJson(scope), spans: list.map(spanJson) })),
  }));
  return JSON.stringify({ resourceSpans });
}

export function encodeMetricsJson(points: readonly MetricPoint[]): string {
  const items = points.map((point) => ({
    resource: point.metric.resource,
    scope: point.metric.scope,
    point,
  }));
  const resourceMetrics = [...groupByResourceAndScope(items)].map(([resource, scopes]) => ({
    ...resourceJson(resource),
    scopeMetrics: [...scopes].map(([scope, list]) => ({
      ...scopeJson(scope),
      metrics: metricsJson(list.map((item) => item.point)),
    })),
  }));
  return JSON.stringify({ resourceMetrics });
}

/** `ExportTraceServiceResponse` / `ExportMetricsServiceResponse` as OTLP/JSON. */
export function encodeResponseJson(response: ExportResponse, kind: 'traces' | 'metrics'): string {
  if (response.rejected === 0 && response.errorMessage === '') return '{}';
  const rejectedKey = kind === 'traces' ? 'rejectedSpans' : 'rejectedDataPoints';
  return JSON.stringify({
    partialSuccess: { [rejectedKey]: String(response.rejected), errorMessage: response.errorMessage },
  });
}

function resourceJson(resource: Resource): Json {
  return {
    resource: {
      attributes: attributesJson(resource.attributes),
      droppedAttributesCount: resource.droppedAttributesCount,
    },
    schemaUrl: resource.schemaUrl,
  };
}

function scopeJson(scope: InstrumentationScope): Json {
  return {
    scope: {
      name: scope.name,
      version: scope.version,
      attributes: attributesJson(scope.attributes),
      droppedAttributesCount: scope.droppedAttributesCount,
    },
    schemaUrl: scope.schemaUrl,
  };
}

function spanJson(span: Span): Json {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    traceState: span.traceState,
    parentSpanId: span.parentSpanId,
    flags: span.flags,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: String(span.startTimeUnixNano),
    endTimeUnixNano: String(span.endTimeUnixNano),
    attributes: attributesJson(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((e) => ({
      timeUnixNano: String(e.timeUnixNano),
      name: e.name,
      attributes: attributesJson(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      traceState: l.traceState,
      attributes: attributesJson(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount,
      flags: l.flags,
    })),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.status.code, message: span.status.message },
  };
}

const DATA_KEY = {
  gauge: 'gauge',
  sum: 'sum',
  histogram: 'histogram',
  exponential_histogram: 'exponentialHistogram',
  summary: 'summary',
} as const;

function metricsJson(points: MetricPoint[]): Json[] {
  const byMetric = new Map<Metric, Map<string, MetricPoint[]>>();
  for (const point of points) {
    const key = `${point.type}/${'temporality' in point ? point.temporality : ''}/${point.type === 'sum' ? point.monotonic : ''}`;
    const runs = byMetric.get(point.metric) ?? new Map<string, MetricPoint[]>();
    byMetric.set(point.metric, runs);
    runs.set(key, [...(runs.get(key) ?? []), point]);
  }
  return [...byMetric].flatMap(([metric, runs]) =>
    [...runs.values()].map((run) => {
      const first = run[0] as MetricPoint;
      const data: Json = { dataPoints: run.map(pointJson) };
      if ('temporality' in first) data.aggregationTemporality = first.temporality;
      if (first.type === 'sum') data.isMonotonic = first.monotonic;
      return {
        name: metric.name,
        description: metric.description,
        unit: metric.unit,
        [DATA_KEY[first.type]]: data,
        metadata: attributesJson(metric.metadata),
      };
    }),
  );
}

function pointJson(point: MetricPoint): Json {
  const base: Json = {
    attributes: attributesJson(point.attributes),
    startTimeUnixNano: String(point.startTimeUnixNano),
    timeUnixNano: String(point.timeUnixNano),
    flags: point.flags,
  };
  switch (point.type) {
    case 'gauge':
    case 'sum':
      return { ...base, ...numberJson(point.value), exemplars: point.exemplars.map(exemplarJson) };
    case 'histogram':
      return {
        ...base,
        count: String(point.count),
        ...optionalDoubles(point),
        bucketCounts: point.bucketCounts.map(String),
        explicitBounds: point.explicitBounds.map(doubleJson),
        exemplars: point.exemplars.map(exemplarJson),
      };
    case 'exponential_histogram':
      return {
        ...base,
        count: String(point.count),
        ...optionalDoubles(point),
        scale: point.scale,
        zeroCount: String(point.zeroCount),
        zeroThreshold: doubleJson(point.zeroThreshold),
        positive: bucketsJson(point.positive),
        negative: bucketsJson(point.negative),
        exemplars: point.exemplars.map(exemplarJson),
      };
    case 'summary':
      return {
        ...base,
        count: String(point.count),
        sum: doubleJson(point.sum),
        quantileValues: point.quantiles.map((q) => ({
          quantile: doubleJson(q.quantile),
          value: doubleJson(q.value),
        })),
      };
  }
}

function optionalDoubles(point: {
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
}): Json {
  const out: Json = {};
  if (point.sum !== undefined) out.sum = doubleJson(point.sum);
  if (point.min !== undefined) out.min = doubleJson(point.min);
  if (point.max !== undefined) out.max = doubleJson(point.max);
  return out;
}

function bucketsJson(buckets: ExponentialBuckets): Json {
  return { offset: buckets.offset, bucketCounts: buckets.bucketCounts.map(String) };
}

function exemplarJson(e: Exemplar): Json {
  return {
    filteredAttributes: attributesJson(e.filteredAttributes),
    timeUnixNano: String(e.timeUnixNano),
    ...numberJson(e.value),
    spanId: e.spanId,
    traceId: e.traceId,
  };
}

function numberJson(value: number | bigint): Json {
  return typeof value === 'bigint' ? { asInt: String(value) } : { asDouble: doubleJson(value) };
}

function doubleJson(value: number): number | string {
  if (Object.is(value, -0)) return '-0'; // JSON.stringify would drop the sign
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

function attributesJson(attributes: Attributes): Json[] {
  const out: Json[] = [];
  for (const key in attributes) out.push({ key, value: anyValueJson(attributes[key] as AttributeValue) });
  return out;
}

export function anyValueJson(value: AttributeValue): Json {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: String(value) };
    case 'number':
      return { doubleValue: doubleJson(value) };
    default:
      break;
  }
  if (value === null) return {};
  if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValueJson) } };
  return { kvlistValue: { values: attributesJson(value) } };
}
