import type { Attributes } from './attributes.js';
import type { InstrumentationScope, Resource } from './resource.js';

/** OTLP `AggregationTemporality` values. */
export const AggregationTemporality = {
  UNSPECIFIED: 0,
  DELTA: 1,
  CUMULATIVE: 2,
} as const;

/** The metric a point belongs to; shared by all points of that metric in one payload. */
export interface Metric {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  /** OTLP `Metric.metadata`. */
  readonly metadata: Attributes;
}

export interface Exemplar {
  filteredAttributes: Attributes;
  timeUnixNano: bigint;
  /** `number` for as_double, `bigint` for as_int. */
  value: number | bigint;
  /** 16 lowercase hex digits, or ''. */
  spanId: string;
  /** 32 lowercase hex digits, or ''. */
  traceId: string;
}

interface PointBase {
  readonly metric: Metric;
  attributes: Attributes;
  /** Nanoseconds since the Unix epoch, exact; 0n when unknown. */
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  /** OTLP `DataPointFlags` (bit 0: no recorded value). */
  flags: number;
}

export interface GaugePoint extends PointBase {
  type: 'gauge';
  /** `number` for as_double, `bigint` for as_int. */
  value: number | bigint;
  exemplars: Exemplar[];
}

export interface SumPoint extends PointBase {
  type: 'sum';
  value: number | bigint;
  /** An {@link AggregationTemporality} value. */
  temporality: number;
  monotonic: boolean;
  exemplars: Exemplar[];
}

export interface HistogramPoint extends PointBase {
  type: 'histogram';
  temporality: number;
  count: bigint;
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  /** Upper bounds; `bucketCounts` has one more entry (the +Inf bucket). */
  explicitBounds: number[];
  bucketCounts: bigint[];
  exemplars: Exemplar[];
}

export interface ExponentialBuckets {
  offset: number;
  bucketCounts: bigint[];
}

export interface ExponentialHistogramPoint extends PointBase {
  type: 'exponential_histogram';
  temporality: number;
  count: bigint;
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  scale: number;
  zeroCount: bigint;
  zeroThreshold: number;
  positive: ExponentialBuckets;
  negative: ExponentialBuckets;
  exemplars: Exemplar[];
}

export interface QuantileValue {
  /** In [0, 1]: 0 is the minimum, 1 the maximum. */
  quantile: number;
  value: number;
}

export interface SummaryPoint extends PointBase {
  type: 'summary';
  count: bigint;
  sum: number;
  quantiles: QuantileValue[];
  /**
   * Statistics that are not quantiles, by the source's own name, e.g. CloudWatch's trimmed mean
   * `TM(25%:75%)`. Empty for OTLP input.
   */
  statistics: Record<string, number>;
}

export type MetricPoint = GaugePoint | SumPoint | HistogramPoint | ExponentialHistogramPoint | SummaryPoint;

export type MetricPointType = MetricPoint['type'];
