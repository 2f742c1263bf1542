import type {
  Exemplar,
  ExponentialHistogramPoint,
  HistogramPoint,
  MetricPoint,
  MetricPointType,
  SummaryPoint,
} from '@firefly/model';
import type { StorageError } from '@firefly/storage';
import { type ColumnSpec, type ColumnWriter, column } from '../encode/column-writer.js';
import { toColumns } from './attributes.js';
import {
  checkInt32,
  checkInt64,
  checkNanos,
  checkUint32,
  checkUint64,
  invalid,
  type Where,
} from './scalars.js';
import { METRIC_COLUMNS, STRING_MAP, writeMetric } from './shared-columns.js';

/** The table each point type is stored in. */
export const METRIC_TABLES: Readonly<Record<MetricPointType, string>> = {
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponential_histogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
};

const POINT_COLUMNS: readonly ColumnSpec[] = [
  ...METRIC_COLUMNS,
  column('Attributes', STRING_MAP),
  column('AttributeTypes', STRING_MAP),
  column('StartTimeUnix', 'DateTime64(9)'),
  column('TimeUnix', 'DateTime64(9)'),
  column('Flags', 'UInt32'),
];
const EXEMPLAR_COLUMNS: readonly ColumnSpec[] = [
  column('Exemplars.FilteredAttributes', `Array(${STRING_MAP})`),
  column('Exemplars.FilteredAttributeTypes', `Array(${STRING_MAP})`),
  column('Exemplars.TimeUnix', 'Array(DateTime64(9))'),
  column('Exemplars.Value', 'Array(Float64)'),
  column('Exemplars.IntValue', 'Array(Nullable(Int64))'),
  column('Exemplars.SpanId', 'Array(String)'),
  column('Exemplars.TraceId', 'Array(String)'),
];
const VALUE_COLUMNS = [column('Value', 'Float64'), column('IntValue', 'Nullable(Int64)')];
const NULLABLE_FLOAT = 'Nullable(Float64)';

/** The columns of each point type's insert, in the order {@link writePoint} writes them. */
export const POINT_TYPE_COLUMNS: Readonly<Record<MetricPointType, readonly ColumnSpec[]>> = {
  gauge: [...POINT_COLUMNS, ...VALUE_COLUMNS, ...EXEMPLAR_COLUMNS],
  sum: [
    ...POINT_COLUMNS,
    ...VALUE_COLUMNS,
    column('AggregationTemporality', 'Int32'),
    column('IsMonotonic', 'Bool'),
    ...EXEMPLAR_COLUMNS,
  ],
  histogram: [
    ...POINT_COLUMNS,
    column('Count', 'UInt64'),
    column('Sum', NULLABLE_FLOAT),
    column('BucketCounts', 'Array(UInt64)'),
    column('ExplicitBounds', 'Array(Float64)'),
    column('Min', NULLABLE_FLOAT),
    column('Max', NULLABLE_FLOAT),
    column('AggregationTemporality', 'Int32'),
    ...EXEMPLAR_COLUMNS,
  ],
  exponential_histogram: [
    ...POINT_COLUMNS,
    column('Count', 'UInt64'),
    column('Sum', NULLABLE_FLOAT),
    column('Scale', 'Int32'),
    column('ZeroCount', 'UInt64'),
    column('ZeroThreshold', 'Float64'),
    column('PositiveOffset', 'Int32'),
    column('PositiveBucketCounts', 'Array(UInt64)'),
    column('NegativeOffset', 'Int32'),
    column('NegativeBucketCounts', 'Array(UInt64)'),
    column('Min', NULLABLE_FLOAT),
    column('Max', NULLABLE_FLOAT),
    column('AggregationTemporality', 'Int32'),
    ...EXEMPLAR_COLUMNS,
  ],
  summary: [
    ...POINT_COLUMNS,
    column('Count', 'UInt64'),
    column('Sum', 'Float64'),
    column('ValueAtQuantiles.Quantile', 'Array(Float64)'),
    column('ValueAtQuantiles.Value', 'Array(Float64)'),
    column('Statistics', 'Map(String, Float64)'),
  ],
};

/** The columns of the table `point` goes to; `index` names a point of no known type in the error. */
export function pointColumns(point: MetricPoint, index: number): readonly ColumnSpec[] {
  const columns = Object.hasOwn(POINT_TYPE_COLUMNS, point.type) ? POINT_TYPE_COLUMNS[point.type] : undefined;
  if (columns === undefined) throw notAPointType(point, pointWhere(point, index));
  return columns;
}

// Not reachable from typed code; JavaScript callers get an error naming the point.
function notAPointType(point: MetricPoint, where: Where): StorageError {
  return invalid(
    `${where('type')} is ${JSON.stringify((point as { type: unknown }).type)}, not a point type`,
  );
}

function pointWhere(point: MetricPoint, index: number): Where {
  return (what) => `point ${index} (${point.metric.name}) ${what}`;
}

/** One point as one row of its type's table; `index` names it in errors. */
export function writePoint(w: ColumnWriter, point: MetricPoint, index: number): void {
  const where = pointWhere(point, index);
  writeMetric(w, point.metric, where);
  w.attributeMaps(point.attributes);
  w.dateTime64(checkNanos(point.startTimeUnixNano, where, 'start time'));
  w.dateTime64(checkNanos(point.timeUnixNano, where, 'time'));
  w.uint32(checkUint32(point.flags, where, 'flags'));
  switch (point.type) {
    case 'gauge':
      writeValue(w, point.value, where);
      break;
    case 'sum':
      writeValue(w, point.value, where);
      w.int32(checkInt32(point.temporality, where, 'temporality'));
      w.bool(point.monotonic);
      break;
    case 'histogram':
      writeHistogram(w, point, where);
      break;
    case 'exponential_histogram':
      writeExponentialHistogram(w, point, where);
      break;
    case 'summary':
      writeSummary(w, point, where);
      w.endRow();
      return;
    default:
      throw notAPointType(point, where);
  }
  writeExemplars(w, point.exemplars, where);
  w.endRow();
}

/** `Value` is always the Float64 queries read; `IntValue` keeps an int64 point exactly. */
function writeValue(w: ColumnWriter, value: number | bigint, where: Where): void {
  if (typeof value === 'bigint') {
    w.float64(Number(value));
    w.nullableInt64(checkInt64(value, where, 'value'));
  } else {
    w.float64(value);
    w.nullableInt64(undefined);
  }
}

function writeHistogram(w: ColumnWriter, point: HistogramPoint, where: Where): void {
  w.uint64(checkUint64(point.count, where, 'count'));
  w.nullableFloat64(point.sum);
  w.array(point.bucketCounts, (c, i) => w.uint64(checkUint64(c, where, `bucket ${i}`)));
  w.array(point.explicitBounds, (b) => w.float64(b));
  w.nullableFloat64(point.min);
  w.nullableFloat64(point.max);
  w.int32(checkInt32(point.temporality, where, 'temporality'));
}

function writeExponentialHistogram(w: ColumnWriter, point: ExponentialHistogramPoint, where: Where): void {
  w.uint64(checkUint64(point.count, where, 'count'));
  w.nullableFloat64(point.sum);
  w.int32(checkInt32(point.scale, where, 'scale'));
  w.uint64(checkUint64(point.zeroCount, where, 'zero count'));
  w.float64(point.zeroThreshold);
  w.int32(checkInt32(point.positive.offset, where, 'positive offset'));
  w.array(point.positive.bucketCounts, (c, i) => w.uint64(checkUint64(c, where, `positive bucket ${i}`)));
  w.int32(checkInt32(point.negative.offset, where, 'negative offset'));
  w.array(point.negative.bucketCounts, (c, i) => w.uint64(checkUint64(c, where, `negative bucket ${i}`)));
  w.nullableFloat64(point.min);
  w.nullableFloat64(point.max);
  w.int32(checkInt32(point.temporality, where, 'temporality'));
}

function writeSummary(w: ColumnWriter, point: SummaryPoint, where: Where): void {
  w.uint64(checkUint64(point.count, where, 'count'));
  w.float64(point.sum);
  w.array(point.quantiles, (q) => w.float64(q.quantile));
  w.array(point.quantiles, (q) => w.float64(q.value));
  w.floatMap(point.statistics);
}

function writeExemplars(w: ColumnWriter, exemplars: readonly Exemplar[], where: Where): void {
  const attributes = exemplars.map((e) => toColumns(e.filteredAttributes));
  w.array(attributes, (c) => w.stringMap(c.values));
  w.array(attributes, (c) => w.stringMap(c.types));
  w.array(exemplars, (e, i) => w.dateTime64(checkNanos(e.timeUnixNano, where, `exemplar ${i} time`)));
  w.array(exemplars, (e) => w.float64(Number(e.value)));
  w.array(exemplars, (e, i) =>
    w.nullableInt64(
      typeof e.value === 'bigint' ? checkInt64(e.value, where, `exemplar ${i} value`) : undefined,
    ),
  );
  w.array(exemplars, (e) => w.string(e.spanId));
  w.array(exemplars, (e) => w.string(e.traceId));
}
