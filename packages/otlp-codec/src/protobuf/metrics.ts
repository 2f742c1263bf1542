import {
  type Attributes,
  createAttributes,
  type Exemplar,
  type ExponentialBuckets,
  type ExponentialHistogramPoint,
  type GaugePoint,
  type HistogramPoint,
  type InstrumentationScope,
  type Metric,
  type MetricPoint,
  type QuantileValue,
  Rejections,
  type Resource,
  type SummaryPoint,
  type SumPoint,
} from '@firefly/model';
import { pointProblem } from '../points.js';
import type { DecodedMetrics } from '../types.js';
import { ProtoReader } from '../wire/reader.js';
import { newResource, newScope, readKeyValue, readResource, readScope } from './common.js';
import { fieldMask, otherField } from './fields.js';

const REQUEST = fieldMask(1);
const RESOURCE_METRICS = fieldMask(1, 2, 3);
const SCOPE_METRICS = fieldMask(1, 2, 3);
const METRIC = fieldMask(1, 2, 3, 5, 7, 9, 10, 11, 12);
const DATA = fieldMask(1, 2, 3);
const NUMBER_POINT = fieldMask(2, 3, 4, 5, 6, 7, 8);
const HISTOGRAM_POINT = fieldMask(2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
const EXP_POINT = fieldMask(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
const BUCKETS = fieldMask(1, 2);
const SUMMARY_POINT = fieldMask(2, 3, 4, 5, 6, 7, 8);
const QUANTILE = fieldMask(1, 2);
const EXEMPLAR = fieldMask(2, 3, 4, 5, 6, 7);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Decodes an OTLP `ExportMetricsServiceRequest` in protobuf encoding into flat data points. */
export function decodeMetricsProtobuf(bytes: Uint8Array): DecodedMetrics {
  const r = new ProtoReader(bytes);
  const points: MetricPoint[] = [];
  const rejections = new Rejections();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readResourceMetrics(r, points, rejections);
    else otherField(r, tag, REQUEST, 'ExportMetricsServiceRequest');
  }
  return { points, rejectedDataPoints: rejections.count, errorMessage: rejections.message };
}

function readResourceMetrics(r: ProtoReader, points: MetricPoint[], rejections: Rejections): void {
  const saved = r.enter();
  const resource = newResource();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readResource(r, resource);
    else if (tag === 18) readScopeMetrics(r, resource, points, rejections);
    else if (tag === 26) resource.schemaUrl = r.string();
    else otherField(r, tag, RESOURCE_METRICS, 'ResourceMetrics');
  }
  r.leave(saved);
}

function readScopeMetrics(
  r: ProtoReader,
  resource: Resource,
  points: MetricPoint[],
  rejections: Rejections,
): void {
  const saved = r.enter();
  const scope = newScope();
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) readScope(r, scope);
    else if (tag === 18) readMetric(r, resource, scope, points, rejections);
    else if (tag === 26) scope.schemaUrl = r.string();
    else otherField(r, tag, SCOPE_METRICS, 'ScopeMetrics');
  }
  r.leave(saved);
}

function readMetric(
  r: ProtoReader,
  resource: Resource,
  scope: InstrumentationScope,
  points: MetricPoint[],
  rejections: Rejections,
): void {
  const saved = r.enter();
  const metric: Mutable<Metric> = {
    resource,
    scope,
    name: '',
    description: '',
    unit: '',
    metadata: createAttributes(),
  };
  const own: MetricPoint[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag) {
      case 10:
        metric.name = r.string();
        break;
      case 18:
        metric.description = r.string();
        break;
      case 26:
        metric.unit = r.string();
        break;
      case 42:
        readData(r, metric, own, 'gauge');
        break;
      case 58:
        readData(r, metric, own, 'sum');
        break;
      case 74:
        readData(r, metric, own, 'histogram');
        break;
      case 82:
        readData(r, metric, own, 'exponential_histogram');
        break;
      case 90:
        readData(r, metric, own, 'summary');
        break;
      case 98:
        readKeyValue(r, metric.metadata);
        break;
      default:
        otherField(r, tag, METRIC, 'Metric');
    }
  }
  r.leave(saved);
  for (const point of own) {
    const problem = pointProblem(point);
    if (problem === undefined) points.push(point);
    else rejections.add(`metric "${metric.name}" ${point.type} point: ${problem}`);
  }
}

/** Reads Gauge, Sum, Histogram, ExponentialHistogram or Summary: the same outer shape. */
function readData(r: ProtoReader, metric: Metric, out: MetricPoint[], type: MetricPoint['type']): void {
  const saved = r.enter();
  const first = out.length;
  let temporality = 0;
  let monotonic = false;
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 10) out.push(readPoint(r, metric, type));
    else if (tag === 16 && type !== 'gauge' && type !== 'summary') temporality = r.varint32();
    else if (tag === 24 && type === 'sum') monotonic = r.bool();
    else otherField(r, tag, DATA, type);
  }
  r.leave(saved);
  // Temporality and monotonicity follow the points on the wire; apply them now.
  for (let i = first; i < out.length; i++) {
    const point = out[i] as MetricPoint;
    if (point.type === 'sum') {
      point.temporality = temporality;
      point.monotonic = monotonic;
    } else if (point.type === 'histogram' || point.type === 'exponential_histogram') {
      point.temporality = temporality;
    }
  }
}

function readPoint(r: ProtoReader, metric: Metric, type: MetricPoint['type']): MetricPoint {
  switch (type) {
    case 'gauge':
    case 'sum':
      return readNumberPoint(r, metric, type);
    case 'histogram':
      return readHistogramPoint(r, metric);
    case 'exponential_histogram':
      return readExponentialPoint(r, metric);
    case 'summary':
      return readSummaryPoint(r, metric);
  }
}

function readNumberPoint(r: ProtoReader, metric: Metric, type: 'gauge' | 'sum'): GaugePoint | SumPoint {
  const saved = r.enter();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let value: number | bigint | undefined;
  const exemplars: Exemplar[] = [];
  let flags = 0;
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag) {
      case 58:
        readKeyValue(r, attributes);
        break;
      case 17:
        startTimeUnixNano = r.fixed64();
        break;
      case 25:
        timeUnixNano = r.fixed64();
        break;
      case 33:
        value = r.double();
        break;
      case 49:
        value = r.sfixed64();
        break;
      case 42:
        exemplars.push(readExemplar(r));
        break;
      case 64:
        flags = r.varint32();
        break;
      default:
        otherField(r, tag, NUMBER_POINT, 'NumberDataPoint');
    }
  }
  r.leave(saved);
  const base = { metric, attributes, startTimeUnixNano, timeUnixNano, flags };
  // A point without a value keeps `undefined` so validation can reject it by name.
  if (type === 'gauge') return { ...base, type, value: value as number, exemplars };
  return { ...base, type, value: value as number, temporality: 0, monotonic: false, exemplars };
}

function readHistogramPoint(r: ProtoReader, metric: Metric): HistogramPoint {
  const saved = r.enter();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum: number | undefined;
  let min: number | undefined;
  let max: number | undefined;
  const bucketCounts: bigint[] = [];
  const explicitBounds: number[] = [];
  const exemplars: Exemplar[] = [];
  let flags = 0;
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag) {
      case 74:
        readKeyValue(r, attributes);
        break;
      case 17:
        startTimeUnixNano = r.fixed64();
        break;
      case 25:
        timeUnixNano = r.fixed64();
        break;
      case 33:
        count = r.fixed64();
        break;
      case 41:
        sum = r.double();
        break;
      case 50:
        readPacked(r, () => bucketCounts.push(r.fixed64()));
        break;
      case 49:
        bucketCounts.push(r.fixed64());
        break;
      case 58:
        readPacked(r, () => explicitBounds.push(r.double()));
        break;
      case 57:
        explicitBounds.push(r.double());
        break;
      case 66:
        exemplars.push(readExemplar(r));
        break;
      case 80:
        flags = r.varint32();
        break;
      case 89:
        min = r.double();
        break;
      case 97:
        max = r.double();
        break;
      default:
        otherField(r, tag, HISTOGRAM_POINT, 'HistogramDataPoint');
    }
  }
  r.leave(saved);
  return {
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    flags,
    type: 'histogram',
    temporality: 0,
    count,
    sum,
    min,
    max,
    explicitBounds,
    bucketCounts,
    exemplars,
  };
}

function readExponentialPoint(r: ProtoReader, metric: Metric): ExponentialHistogramPoint {
  const saved = r.enter();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum: number | undefined;
  let scale = 0;
  let zeroCount = 0n;
  let positive: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  let negative: ExponentialBuckets = { offset: 0, bucketCounts: [] };
  let flags = 0;
  const exemplars: Exemplar[] = [];
  let min: number | undefined;
  let max: number | undefined;
  let zeroThreshold = 0;
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag) {
      case 10:
        readKeyValue(r, attributes);
        break;
      case 17:
        startTimeUnixNano = r.fixed64();
        break;
      case 25:
        timeUnixNano = r.fixed64();
        break;
      case 33:
        count = r.fixed64();
        break;
      case 41:
        sum = r.double();
        break;
      case 48:
        scale = r.sint32();
        break;
      case 57:
        zeroCount = r.fixed64();
        break;
      case 66:
        positive = readBuckets(r);
        break;
      case 74:
        negative = readBuckets(r);
        break;
      case 80:
        flags = r.varint32();
        break;
      case 90:
        exemplars.push(readExemplar(r));
        break;
      case 97:
        min = r.double();
        break;
      case 105:
        max = r.double();
        break;
      case 113:
        zeroThreshold = r.double();
        break;
      default:
        otherField(r, tag, EXP_POINT, 'ExponentialHistogramDataPoint');
    }
  }
  r.leave(saved);
  return {
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    flags,
    type: 'exponential_histogram',
    temporality: 0,
    count,
    sum,
    min,
    max,
    scale,
    zeroCount,
    zeroThreshold,
    positive,
    negative,
    exemplars,
  };
}

function readBuckets(r: ProtoReader): ExponentialBuckets {
  const saved = r.enter();
  let offset = 0;
  const bucketCounts: bigint[] = [];
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 8) offset = r.sint32();
    else if (tag === 18) readPacked(r, () => bucketCounts.push(r.uint64()));
    else if (tag === 16) bucketCounts.push(r.uint64());
    else otherField(r, tag, BUCKETS, 'ExponentialHistogramDataPoint.Buckets');
  }
  r.leave(saved);
  return { offset, bucketCounts };
}

function readSummaryPoint(r: ProtoReader, metric: Metric): SummaryPoint {
  const saved = r.enter();
  const attributes = createAttributes();
  let startTimeUnixNano = 0n;
  let timeUnixNano = 0n;
  let count = 0n;
  let sum = 0;
  const quantiles: QuantileValue[] = [];
  let flags = 0;
  while (r.pos < r.limit) {
    const tag = r.tag();
    switch (tag) {
      case 58:
        readKeyValue(r, attributes);
        break;
      case 17:
        startTimeUnixNano = r.fixed64();
        break;
      case 25:
        timeUnixNano = r.fixed64();
        break;
      case 33:
        count = r.fixed64();
        break;
      case 41:
        sum = r.double();
        break;
      case 50:
        quantiles.push(readQuantile(r));
        break;
      case 64:
        flags = r.varint32();
        break;
      default:
        otherField(r, tag, SUMMARY_POINT, 'SummaryDataPoint');
    }
  }
  r.leave(saved);
  return {
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano,
    flags,
    type: 'summary',
    count,
    sum,
    quantiles,
    statistics: {},
  };
}

function readQuantile(r: ProtoReader): QuantileValue {
  const saved = r.enter();
  let quantile = 0;
  let value = 0;
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 9) quantile = r.double();
    else if (tag === 17) value = r.double();
    else otherField(r, tag, QUANTILE, 'SummaryDataPoint.ValueAtQuantile');
  }
  r.leave(saved);
  return { quantile, value };
}

function readExemplar(r: ProtoReader): Exemplar {
  const saved = r.enter();
  const filteredAttributes: Attributes = createAttributes();
  let timeUnixNano = 0n;
  let value: number | bigint = 0;
  let spanId = '';
  let traceId = '';
  while (r.pos < r.limit) {
    const tag = r.tag();
    if (tag === 58) readKeyValue(r, filteredAttributes);
    else if (tag === 17) timeUnixNano = r.fixed64();
    else if (tag === 25) value = r.double();
    else if (tag === 49) value = r.sfixed64();
    else if (tag === 34) spanId = r.hexId();
    else if (tag === 42) traceId = r.hexId();
    else otherField(r, tag, EXEMPLAR, 'Exemplar');
  }
  r.leave(saved);
  return { filteredAttributes, timeUnixNano, value, spanId, traceId };
}

/** A packed repeated scalar: `readOne` is called until the field's bytes are used up. */
function readPacked(r: ProtoReader, readOne: () => void): void {
  const saved = r.enter();
  while (r.pos < r.limit) readOne();
  r.leave(saved);
}
