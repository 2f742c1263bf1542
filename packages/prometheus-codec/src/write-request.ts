// The Prometheus remote write 1.0 `WriteRequest` (prompb/remote.proto and prompb/types.proto), as
// plain objects. Field numbers live beside the decoder and encoder in protobuf/.

/** `MetricMetadata.MetricType`. */
export const MetricType = {
  UNKNOWN: 0,
  COUNTER: 1,
  GAUGE: 2,
  HISTOGRAM: 3,
  GAUGEHISTOGRAM: 4,
  SUMMARY: 5,
  INFO: 6,
  STATESET: 7,
} as const;

/** `Histogram.ResetHint`. */
export const ResetHint = {
  UNKNOWN: 0,
  YES: 1,
  NO: 2,
  GAUGE: 3,
} as const;

export interface Label {
  name: string;
  value: string;
}

export interface Sample {
  /** NaN for a staleness marker; see `stale`. */
  value: number;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  /**
   * True when the value was Prometheus's staleness marker (the NaN with bits 0x7ff0000000000002).
   * JavaScript does not promise to keep a NaN's bits, so the marker is carried as this flag.
   */
  stale: boolean;
}

export interface Exemplar {
  /** Usually `trace_id` and `span_id`. */
  labels: Label[];
  value: number;
  timestamp: number;
}

export interface BucketSpan {
  /** Gap to the previous span, or the index of the first bucket for the first span. */
  offset: number;
  length: number;
}

/**
 * A native histogram sample. Integer histograms carry `count`, `zeroCount` and delta-encoded
 * `positiveDeltas`/`negativeDeltas`; float histograms carry the same as floats with absolute
 * `positiveCounts`/`negativeCounts`.
 */
export interface Histogram {
  kind: 'int' | 'float';
  /** `count_int` (a whole number) or `count_float`. */
  count: number;
  /** NaN for a staleness marker; see `stale`. */
  sum: number;
  /** True when `sum` was the staleness marker: the series ended. */
  stale: boolean;
  /** -4 to 8 for exponential buckets: bucket boundaries are powers of 2^(2^-schema). */
  schema: number;
  zeroThreshold: number;
  zeroCount: number;
  negativeSpans: BucketSpan[];
  negativeDeltas: number[];
  negativeCounts: number[];
  positiveSpans: BucketSpan[];
  positiveDeltas: number[];
  positiveCounts: number[];
  /** A {@link ResetHint} value. */
  resetHint: number;
  timestamp: number;
}

/** A histogram with every field at its protobuf default (what an empty message decodes to). */
export function emptyHistogram(): Histogram {
  return {
    kind: 'int',
    count: 0,
    sum: 0,
    stale: false,
    schema: 0,
    zeroThreshold: 0,
    zeroCount: 0,
    negativeSpans: [],
    negativeDeltas: [],
    negativeCounts: [],
    positiveSpans: [],
    positiveDeltas: [],
    positiveCounts: [],
    resetHint: 0,
    timestamp: 0,
  };
}

export interface TimeSeries {
  /** Sorted by name, names unique, `__name__` among them (checked by `seriesProblem`). */
  labels: Label[];
  samples: Sample[];
  exemplars: Exemplar[];
  histograms: Histogram[];
}

export interface MetricMetadata {
  /** A {@link MetricType} value. */
  type: number;
  metricFamilyName: string;
  help: string;
  unit: string;
}

export interface WriteRequest {
  timeseries: TimeSeries[];
  metadata: MetricMetadata[];
}
