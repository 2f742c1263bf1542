import type {
  Exemplar,
  ExponentialBuckets,
  InstrumentationScope,
  Metric,
  MetricPoint,
  QuantileValue,
  Resource,
} from '@firefly/model';
import { Rejections } from '@firefly/model';
import { pointProblem } from '../points.js';
import type { DecodedMetrics } from '../types.js';
import { attributes, resource, scope } from './common.js';
import { parseJsonBody } from './parse.js';
import {
  array,
  boolean,
  double,
  eachObject,
  enumeration,
  hexId,
  int32,
  int64,
  type JsonObject,
  JsonPath,
  object,
  string,
  toDouble,
  toInt64,
  uint32,
} from './values.js';

const TEMPORALITIES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
];

const DATA_KEYS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/** Decodes an OTLP/JSON `ExportMetricsServiceRequest` into flat data points. */
export function decodeMetricsJson(body: Uint8Array | string): DecodedMetrics {
  const root = parseJsonBody(body);
  const path = new JsonPath();
  const points: MetricPoint[] = [];
  const rejections = new Rejections();
  eachObject(root, 'resourceMetrics', path, (rm) => {
    const res = resource(rm, path);
    eachObject(rm, 'scopeMetrics', path, (sm) => {
      const sc = scope(sm, path);
      eachObject(sm, 'metrics', path, (m) => {
        for (const point of readMetric(m, res, sc, path)) {
          const problem = pointProblem(point);
          if (problem === undefined) points.push(point);
          else rejections.add(`metric "${point.metric.name}" ${point.type} point: ${problem}`);
        }
      });
    });
  });
  return { points, rejectedDataPoints: rejections.count, errorMessage: rejections.message };
}

function readMetric(m: JsonObject, res: Resource, sc: InstrumentationScope, path: JsonPath): MetricPoint[] {
  const metric: Metric = {
    resource: res,
    scope: sc,
    name: string(m, 'name', path),
    description: string(m, 'description', path),
    unit: string(m, 'unit', path),
    metadata: attributes(m, 'metadata', path),
  };
  const points: MetricPoint[] = [];
  for (const key of DATA_KEYS) {
    const data = object(m, key, path);
    if (data === undefined) continue;
    path.push(key);
    const temporality = enumeration(data, 'aggregationTemporality', path, TEMPORALITIES);
    const monotonic = boolean(data, 'isMonotonic', path);
    eachObject(data, 'dataPoints', path, (p) =>
      points.push(readPoint(key, p, metric, temporality, monotonic, path)),
    );
    path.pop();
  }
  return points;
}

function readPoint(
  key: (typeof DATA_KEYS)[number],
  p: JsonObject,
  metric: Metric,
  temporality: number,
  monotonic: boolean,
  path: JsonPath,
): MetricPoint {
  const base = {
    metric,
    attributes: attributes(p, 'attributes', path),
    startTimeUnixNano: int64(p, 'startTimeUnixNano', path, true),
    timeUnixNano: int64(p, 'timeUnixNano', path, true),
    flags: uint32(p, 'flags', path),
  };
  switch (key) {
    case 'gauge':
      return { ...base, type: 'gauge', value: numberValue(p, path) as number, exemplars: exemplars(p, path) };
    case 'sum':
      return {
        ...base,
        type: 'sum',
        value: numberValue(p, path) as number,
        temporality,
        monotonic,
        exemplars: exemplars(p, path),
      };
    case 'histogram':
      return {
        ...base,
        type: 'histogram',
        temporality,
        count: int64(p, 'count', path, true),
        sum: double(p, 'sum', path),
        min: double(p, 'min', path),
        max: double(p, 'max', path),
        explicitBounds: array(p, 'explicitBounds', path).map((b) => toDouble(b, path, 'explicitBounds')),
        bucketCounts: array(p, 'bucketCounts', path).map((c) => toInt64(c, path, 'bucketCounts', true)),
        exemplars: exemplars(p, path),
      };
    case 'exponentialHistogram':
      return {
        ...base,
        type: 'exponential_histogram',
        temporality,
        count: int64(p, 'count', path, true),
        sum: double(p, 'sum', path),
        min: double(p, 'min', path),
        max: double(p, 'max', path),
        scale: int32(p, 'scale', path),
        zeroCount: int64(p, 'zeroCount', path, true),
        zeroThreshold: double(p, 'zeroThreshold', path) ?? 0,
        positive: buckets(p, 'positive', path),
        negative: buckets(p, 'negative', path),
        exemplars: exemplars(p, path),
      };
    case 'summary': {
      const quantiles: QuantileValue[] = [];
      eachObject(p, 'quantileValues', path, (q) =>
        quantiles.push({ quantile: double(q, 'quantile', path) ?? 0, value: double(q, 'value', path) ?? 0 }),
      );
      return {
        ...base,
        type: 'summary',
        count: int64(p, 'count', path, true),
        sum: double(p, 'sum', path) ?? 0,
        quantiles,
        statistics: {},
      };
    }
  }
}

/** as_double or as_int; undefined when neither is present (the point is then rejected). */
function numberValue(p: JsonObject, path: JsonPath): number | bigint | undefined {
  if (p.asInt !== undefined && p.asInt !== null) return toInt64(p.asInt, path, 'asInt', false);
  return double(p, 'asDouble', path);
}

function buckets(p: JsonObject, key: string, path: JsonPath): ExponentialBuckets {
  const b = object(p, key, path) ?? {};
  path.push(key);
  const result = {
    offset: int32(b, 'offset', path),
    bucketCounts: array(b, 'bucketCounts', path).map((c) => toInt64(c, path, 'bucketCounts', true)),
  };
  path.pop();
  return result;
}

function exemplars(p: JsonObject, path: JsonPath): Exemplar[] {
  const list: Exemplar[] = [];
  eachObject(p, 'exemplars', path, (e) =>
    list.push({
      filteredAttributes: attributes(e, 'filteredAttributes', path),
      timeUnixNano: int64(e, 'timeUnixNano', path, true),
      value: numberValue(e, path) ?? 0,
      spanId: hexId(e, 'spanId', path),
      traceId: hexId(e, 'traceId', path),
    }),
  );
  return list;
}
