import type { Exemplar, ExponentialBuckets, MetricPoint, MetricPointType } from '@firefly/model';
import { toColumns } from './attributes.js';
import { attributeFields, type Fragments, field, timesField } from './fragments.js';
import { float, int64, nanos, uint64 } from './scalars.js';

/** The table each point type is stored in. */
export const METRIC_TABLES: Readonly<Record<MetricPointType, string>> = {
  gauge: 'otel_metrics_gauge',
  sum: 'otel_metrics_sum',
  histogram: 'otel_metrics_histogram',
  exponential_histogram: 'otel_metrics_exponential_histogram',
  summary: 'otel_metrics_summary',
};

type Where = (what: string) => () => string;

/** JSONEachRow lines by table. `index` in errors is the point's position in the batch. */
export function metricLines(points: readonly MetricPoint[], fragments: Fragments): Map<string, string[]> {
  const byTable = new Map<string, string[]>();
  points.forEach((point, index) => {
    const table = METRIC_TABLES[point.type];
    let lines = byTable.get(table);
    if (lines === undefined) {
      lines = [];
      byTable.set(table, lines);
    }
    lines.push(pointLine(point, index, fragments));
  });
  return byTable;
}

function pointLine(point: MetricPoint, index: number, fragments: Fragments): string {
  const where: Where = (what) => () => `point ${index} (${point.metric.name}) ${what}`;
  const common = [
    fragments.metric(point.metric),
    attributeFields('Attributes', 'AttributeTypes', point.attributes),
    `"StartTimeUnix":${nanos(point.startTimeUnixNano, where('start time'))}`,
    `"TimeUnix":${nanos(point.timeUnixNano, where('time'))}`,
    field('Flags', point.flags),
  ];
  return `{${[...common, ...typeFields(point, where)].join(',')}}\n`;
}

function typeFields(point: MetricPoint, where: Where): string[] {
  switch (point.type) {
    case 'gauge':
      return [...valueFields(point.value, where), exemplarFields(point.exemplars, where)];
    case 'sum':
      return [
        ...valueFields(point.value, where),
        field('AggregationTemporality', point.temporality),
        field('IsMonotonic', point.monotonic),
        exemplarFields(point.exemplars, where),
      ];
    case 'histogram':
      return [
        `"Count":"${uint64(point.count, where('count'))}"`,
        field('Sum', optionalFloat(point.sum)),
        field(
          'BucketCounts',
          point.bucketCounts.map((c, i) => uint64(c, where(`bucket ${i}`))),
        ),
        field('ExplicitBounds', point.explicitBounds.map(float)),
        field('Min', optionalFloat(point.min)),
        field('Max', optionalFloat(point.max)),
        field('AggregationTemporality', point.temporality),
        exemplarFields(point.exemplars, where),
      ];
    case 'exponential_histogram':
      return [
        `"Count":"${uint64(point.count, where('count'))}"`,
        field('Sum', optionalFloat(point.sum)),
        field('Scale', point.scale),
        `"ZeroCount":"${uint64(point.zeroCount, where('zero count'))}"`,
        field('ZeroThreshold', float(point.zeroThreshold)),
        ...bucketFields('Positive', point.positive, where),
        ...bucketFields('Negative', point.negative, where),
        field('Min', optionalFloat(point.min)),
        field('Max', optionalFloat(point.max)),
        field('AggregationTemporality', point.temporality),
        exemplarFields(point.exemplars, where),
      ];
    case 'summary':
      return [
        `"Count":"${uint64(point.count, where('count'))}"`,
        field('Sum', float(point.sum)),
        field(
          'ValueAtQuantiles.Quantile',
          point.quantiles.map((q) => float(q.quantile)),
        ),
        field(
          'ValueAtQuantiles.Value',
          point.quantiles.map((q) => float(q.value)),
        ),
        field('Statistics', statistics(point.statistics)),
      ];
  }
}

/** `Value` is always a Float64 for queries; `IntValue` keeps an int64 point exactly. */
function valueFields(value: number | bigint, where: Where): string[] {
  return typeof value === 'bigint'
    ? [field('Value', float(Number(value))), `"IntValue":"${int64(value, where('value'))}"`]
    : [field('Value', float(value)), '"IntValue":null'];
}

function bucketFields(side: 'Positive' | 'Negative', buckets: ExponentialBuckets, where: Where): string[] {
  return [
    field(`${side}Offset`, buckets.offset),
    field(
      `${side}BucketCounts`,
      buckets.bucketCounts.map((c, i) => uint64(c, where(`${side.toLowerCase()} bucket ${i}`))),
    ),
  ];
}

function exemplarFields(exemplars: readonly Exemplar[], where: Where): string {
  const columns = exemplars.map((e) => toColumns(e.filteredAttributes));
  return [
    field(
      'Exemplars.FilteredAttributes',
      columns.map((c) => c.values),
    ),
    field(
      'Exemplars.FilteredAttributeTypes',
      columns.map((c) => c.types),
    ),
    timesField(
      'Exemplars.TimeUnix',
      exemplars.map((e, i) => nanos(e.timeUnixNano, where(`exemplar ${i} time`))),
    ),
    field(
      'Exemplars.Value',
      exemplars.map((e) => float(Number(e.value))),
    ),
    field(
      'Exemplars.IntValue',
      exemplars.map((e, i) =>
        typeof e.value === 'bigint' ? int64(e.value, where(`exemplar ${i} value`)) : null,
      ),
    ),
    field(
      'Exemplars.SpanId',
      exemplars.map((e) => e.spanId),
    ),
    field(
      'Exemplars.TraceId',
      exemplars.map((e) => e.traceId),
    ),
  ].join(',');
}

function optionalFloat(value: number | undefined): number | string | null {
  return value === undefined ? null : float(value);
}

function statistics(values: Record<string, number>): Record<string, number | string> {
  const out: Record<string, number | string> = Object.create(null);
  for (const [name, value] of Object.entries(values)) out[name] = float(value);
  return out;
}
