import type { Exemplar, ExponentialBuckets, Metric, MetricPoint } from '@firefly/model';
import { groupByResourceAndScope } from '../group.js';
import { ProtoWriter } from '../wire/writer.js';
import {
  writeAttributes,
  writeDouble,
  writeEnum,
  writeFixed64,
  writeId,
  writeResource,
  writeScope,
  writeString,
  writeUint32,
} from './encode-common.js';

const DATA_FIELD = { gauge: 5, sum: 7, histogram: 9, exponential_histogram: 10, summary: 11 } as const;

/** Encodes data points as an OTLP `ExportMetricsServiceRequest` (protobuf). */
export function encodeMetricsProtobuf(points: readonly MetricPoint[]): Uint8Array {
  const w = new ProtoWriter(256 + points.length * 256);
  const metrics = points.map((point) => ({
    resource: point.metric.resource,
    scope: point.metric.scope,
    point,
  }));
  for (const [resource, scopes] of groupByResourceAndScope(metrics)) {
    const resourceMetrics = w.begin(1);
    writeResource(w, 1, resource);
    for (const [scope, list] of scopes) {
      const scopeMetrics = w.begin(2);
      writeScope(w, 1, scope);
      for (const run of runsOfSameData(list.map((item) => item.point))) writeMetric(w, run);
      writeString(w, 3, scope.schemaUrl);
      w.end(scopeMetrics);
    }
    writeString(w, 3, resource.schemaUrl);
    w.end(resourceMetrics);
  }
  return w.finish();
}

/** Points of one metric with the same type and aggregation go into one Metric message. */
function runsOfSameData(points: MetricPoint[]): MetricPoint[][] {
  const runs = new Map<Metric, Map<string, MetricPoint[]>>();
  for (const point of points) {
    const key = `${point.type}/${'temporality' in point ? point.temporality : ''}/${point.type === 'sum' ? point.monotonic : ''}`;
    let byKind = runs.get(point.metric);
    if (byKind === undefined) {
      byKind = new Map();
      runs.set(point.metric, byKind);
    }
    const run = byKind.get(key);
    if (run === undefined) byKind.set(key, [point]);
    else run.push(point);
  }
  return [...runs.values()].flatMap((byKind) => [...byKind.values()]);
}

function writeMetric(w: ProtoWriter, points: MetricPoint[]): void {
  const first = points[0] as MetricPoint;
  const metric = first.metric;
  const start = w.begin(2);
  writeString(w, 1, metric.name);
  writeString(w, 2, metric.description);
  writeString(w, 3, metric.unit);
  const data = w.begin(DATA_FIELD[first.type]);
  for (const point of points) writePoint(w, point);
  if (first.type === 'sum' || first.type === 'histogram' || first.type === 'exponential_histogram') {
    writeEnum(w, 2, first.temporality);
  }
  if (first.type === 'sum' && first.monotonic) {
    w.tag(3, 0);
    w.varint32(1);
  }
  w.end(data);
  writeAttributes(w, 12, metric.metadata);
  w.end(start);
}

function writePoint(w: ProtoWriter, point: MetricPoint): void {
  const start = w.begin(1);
  switch (point.type) {
    case 'gauge':
    case 'sum':
      writeAttributes(w, 7, point.attributes);
      writeFixed64(w, 2, point.startTimeUnixNano);
      writeFixed64(w, 3, point.timeUnixNano);
      writeNumber(w, 4, 6, point.value);
      writeExemplars(w, 5, point.exemplars);
      writeUint32(w, 8, point.flags);
      break;
    case 'histogram':
      writeAttributes(w, 9, point.attributes);
      writeFixed64(w, 2, point.startTimeUnixNano);
      writeFixed64(w, 3, point.timeUnixNano);
      writeFixed64(w, 4, point.count);
      writeDouble(w, 5, point.sum);
      if (point.bucketCounts.length > 0) {
        const packed = w.begin(6);
        for (const count of point.bucketCounts) w.fixed64(count);
        w.end(packed);
      }
      if (point.explicitBounds.length > 0) {
        const packed = w.begin(7);
        for (const bound of point.explicitBounds) w.double(bound);
        w.end(packed);
      }
      writeExemplars(w, 8, point.exemplars);
      writeUint32(w, 10, point.flags);
      writeDouble(w, 11, point.min);
      writeDouble(w, 12, point.max);
      break;
    case 'exponential_histogram':
      writeAttributes(w, 1, point.attributes);
      writeFixed64(w, 2, point.startTimeUnixNano);
      writeFixed64(w, 3, point.timeUnixNano);
      writeFixed64(w, 4, point.count);
      writeDouble(w, 5, point.sum);
      if (point.scale !== 0) {
        w.tag(6, 0);
        w.sint32(point.scale);
      }
      writeFixed64(w, 7, point.zeroCount);
      writeBuckets(w, 8, point.positive);
      writeBuckets(w, 9, point.negative);
      writeUint32(w, 10, point.flags);
      writeExemplars(w, 11, point.exemplars);
      writeDouble(w, 12, point.min);
      writeDouble(w, 13, point.max);
      if (point.zeroThreshold !== 0) writeDouble(w, 14, point.zeroThreshold);
      break;
    case 'summary':
      writeAttributes(w, 7, point.attributes);
      writeFixed64(w, 2, point.startTimeUnixNano);
      writeFixed64(w, 3, point.timeUnixNano);
      writeFixed64(w, 4, point.count);
      if (point.sum !== 0) writeDouble(w, 5, point.sum);
      for (const q of point.quantiles) {
        const quantile = w.begin(6);
        if (q.quantile !== 0) writeDouble(w, 1, q.quantile);
        if (q.value !== 0) writeDouble(w, 2, q.value);
        w.end(quantile);
      }
      writeUint32(w, 8, point.flags);
      break;
  }
  w.end(start);
}

function writeNumber(w: ProtoWriter, doubleField: number, intField: number, value: number | bigint): void {
  if (typeof value === 'bigint') {
    w.tag(intField, 1);
    w.sfixed64(value);
  } else {
    w.tag(doubleField, 1);
    w.double(value);
  }
}

/** Always written, even when empty, as the OpenTelemetry SDK does. */
function writeBuckets(w: ProtoWriter, field: number, buckets: ExponentialBuckets): void {
  const start = w.begin(field);
  if (buckets.offset !== 0) {
    w.tag(1, 0);
    w.sint32(buckets.offset);
  }
  if (buckets.bucketCounts.length > 0) {
    const packed = w.begin(2);
    for (const count of buckets.bucketCounts) w.varint64(count);
    w.end(packed);
  }
  w.end(start);
}

function writeExemplars(w: ProtoWriter, field: number, exemplars: readonly Exemplar[]): void {
  for (const exemplar of exemplars) {
    const start = w.begin(field);
    writeAttributes(w, 7, exemplar.filteredAttributes);
    writeFixed64(w, 2, exemplar.timeUnixNano);
    writeNumber(w, 3, 6, exemplar.value);
    writeId(w, 4, exemplar.spanId);
    writeId(w, 5, exemplar.traceId);
    w.end(start);
  }
}
