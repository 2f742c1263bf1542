import {
  AggregationTemporality,
  type Attributes,
  createAttributes,
  type ExponentialHistogramPoint,
  type GaugePoint,
  type InstrumentationScope,
  type Metric,
  type MetricPoint,
  type Exemplar as ModelExemplar,
  Rejections,
  type Resource,
  type SumPoint,
  serviceNameOf,
  setAttribute,
} from '@firefly/model';

import { metricNameOf, seriesProblem } from '../validate.js';
import {
  type Exemplar,
  type Histogram,
  type Label,
  type MetricMetadata,
  ResetHint,
  type Sample,
  type TimeSeries,
  type WriteRequest,
} from '../write-request.js';
import { classify, type MetadataLookup, type SampleKind } from './metric-kind.js';
import { denseBuckets, type FillBudget, MAX_SCHEMA, MIN_SCHEMA } from './native-histogram.js';
import { resourceAttributesOf, SCOPE_NAME } from './resource.js';

export interface ToModelOptions {
  /**
   * Metadata known from earlier requests, by metric family name. Prometheus sends metadata in
   * requests of its own, so a receiver that keeps it gets exact types instead of suffix rules.
   * A request's own metadata wins over this.
   */
  metadata?: ReadonlyMap<string, MetricMetadata>;
  /** Empty buckets that spans of native histograms may add, per request (default 1,000,000). */
  maxFilledBuckets?: number;
}

export interface MetricPointsResult {
  points: MetricPoint[];
  /**
   * Samples (float and native histogram) left out: every sample of a series that breaks remote
   * write's rules, and native histogram samples the model cannot hold. The rest are kept.
   */
  rejectedSamples: number;
  /** Why, for the response; '' when nothing was rejected. */
  errorMessage: string;
}

const DEFAULT_MAX_FILLED_BUCKETS = 1_000_000;
const NANOS_PER_MILLI = 1_000_000n;
/** OTLP DataPointFlags.NO_RECORDED_VALUE: how OpenTelemetry spells a Prometheus staleness marker. */
const NO_RECORDED_VALUE = 1;

const SCOPE: InstrumentationScope = {
  name: SCOPE_NAME,
  version: '',
  attributes: createAttributes(),
  droppedAttributesCount: 0,
  schemaUrl: '',
};

/** The Firefly model of a decoded `WriteRequest`; invalid series are counted and left out. */
export function toMetricPoints(request: WriteRequest, options: ToModelOptions = {}): MetricPointsResult {
  const context = new Context(request, options);
  const rejections = new Rejections();
  const points: MetricPoint[] = [];
  request.timeseries.forEach((series, index) => {
    const where = () => `series ${index} (${describe(series.labels)})`;
    const problem = seriesProblem(series);
    if (problem === undefined) {
      context.addSeries(series, points, (reason) => rejections.add(`${where()}: ${reason}`));
    } else {
      rejections.add(`${where()}: ${problem}`, series.samples.length + series.histograms.length);
    }
  });
  return { points, rejectedSamples: rejections.count, errorMessage: rejections.message };
}

interface Target {
  resource: Resource;
  /** By metric name. */
  metrics: Map<string, { metric: Metric; kind: SampleKind }>;
}

/** Per-request state: metadata lookup, shared resources and metrics, the bucket budget. */
class Context {
  private readonly lookup: MetadataLookup;
  /** By job, then instance: one resource per scrape target, shared by its points. */
  private readonly targets = new Map<string, Map<string, Target>>();
  private readonly budget: FillBudget;
  private lastMillis = Number.NaN;
  private lastNanos = 0n;

  constructor(request: WriteRequest, options: ToModelOptions) {
    const own = new Map(request.metadata.map((m) => [m.metricFamilyName, m]));
    const earlier = options.metadata;
    this.lookup = (family) => own.get(family) ?? earlier?.get(family);
    this.budget = { remaining: options.maxFilledBuckets ?? DEFAULT_MAX_FILLED_BUCKETS };
  }

  /** Appends the series' points; a native histogram the model cannot hold is reported and skipped. */
  addSeries(series: TimeSeries, into: MetricPoint[], reject: (reason: string) => void): void {
    const { metric, kind } = this.metricOf(series.labels);
    const attributes = pointAttributes(series.labels);
    const first = into.length;
    for (const sample of series.samples) {
      if (isNanosRepresentable(sample.timestamp))
        into.push(this.samplePoint(sample, kind, metric, attributes));
      else reject(`sample at ${sample.timestamp}: ${OUT_OF_RANGE}`);
    }
    for (const histogram of series.histograms) {
      if (!isNanosRepresentable(histogram.timestamp)) {
        reject(`native histogram at ${histogram.timestamp}: ${OUT_OF_RANGE}`);
        continue;
      }
      const point = this.histogramPoint(histogram, metric, attributes);
      if (typeof point === 'string') reject(`native histogram at ${histogram.timestamp}: ${point}`);
      else into.push(point);
    }
    if (series.exemplars.length > 0) {
      attachExemplars(
        into.slice(first) as (GaugePoint | SumPoint | ExponentialHistogramPoint)[],
        series.exemplars,
        this,
      );
    }
  }

  /** Nanoseconds of a millisecond timestamp; a request's samples mostly share one scrape time. */
  nanos(milliseconds: number): bigint {
    if (milliseconds !== this.lastMillis) {
      this.lastMillis = milliseconds;
      this.lastNanos = BigInt(milliseconds) * NANOS_PER_MILLI;
    }
    return this.lastNanos;
  }

  private samplePoint(
    sample: Sample,
    kind: SampleKind,
    metric: Metric,
    attributes: Attributes,
  ): GaugePoint | SumPoint {
    // Object literals, not spreads: this runs once per sample.
    const timeUnixNano = this.nanos(sample.timestamp);
    const flags = sample.stale ? NO_RECORDED_VALUE : 0;
    if (kind.type === 'gauge') {
      return {
        type: 'gauge',
        metric,
        attributes,
        startTimeUnixNano: 0n,
        timeUnixNano,
        flags,
        value: sample.value,
        exemplars: [],
      };
    }
    return {
      type: 'sum',
      metric,
      attributes,
      startTimeUnixNano: 0n,
      timeUnixNano,
      flags,
      value: sample.value,
      exemplars: [],
      temporality: AggregationTemporality.CUMULATIVE,
      monotonic: kind.monotonic,
    };
  }

  private metricOf(labels: readonly Label[]): { metric: Metric; kind: SampleKind } {
    const name = metricNameOf(labels);
    const { resource, metrics } = this.targetOf(labels);
    let known = metrics.get(name);
    if (known === undefined) {
      const { kind, metadata } = classify(name, this.lookup);
      const metric: Metric = {
        resource,
        scope: SCOPE,
        name,
        description: metadata?.help ?? '',
        unit: metadata?.unit ?? '',
        metadata: createAttributes(),
      };
      known = { metric, kind };
      metrics.set(name, known);
    }
    return known;
  }

  /** The resource of a series' `job` and `instance`, and the metrics seen for it so far. */
  private targetOf(labels: readonly Label[]): Target {
    const job = labelValue(labels, 'job');
    const instance = labelValue(labels, 'instance');
    let byInstance = this.targets.get(job);
    if (byInstance === undefined) {
      byInstance = new Map();
      this.targets.set(job, byInstance);
    }
    let target = byInstance.get(instance);
    if (target === undefined) {
      const attributes = resourceAttributesOf(job, instance);
      const resource = {
        attributes,
        droppedAttributesCount: 0,
        schemaUrl: '',
        serviceName: serviceNameOf(attributes),
      };
      target = { resource, metrics: new Map() };
      byInstance.set(instance, target);
    }
    return target;
  }

  private histogramPoint(
    h: Histogram,
    metric: Metric,
    attributes: Attributes,
  ): ExponentialHistogramPoint | string {
    if (h.schema < MIN_SCHEMA || h.schema > MAX_SCHEMA) {
      return `native histogram schema ${h.schema} has no exponential buckets (only ${MIN_SCHEMA} to ${MAX_SCHEMA} map to the model)`;
    }
    if (!isCount(h.count) || !isCount(h.zeroCount)) {
      return `native histogram count ${h.count} or zero count ${h.zeroCount} is not a whole number ≥ 0`;
    }
    const positive = denseBuckets(
      h,
      h.positiveSpans,
      h.positiveDeltas,
      h.positiveCounts,
      'positive',
      this.budget,
    );
    if ('problem' in positive) return positive.problem;
    const negative = denseBuckets(
      h,
      h.negativeSpans,
      h.negativeDeltas,
      h.negativeCounts,
      'negative',
      this.budget,
    );
    if ('problem' in negative) return negative.problem;
    return {
      type: 'exponential_histogram',
      metric,
      attributes,
      startTimeUnixNano: 0n,
      timeUnixNano: this.nanos(h.timestamp),
      flags: h.stale ? NO_RECORDED_VALUE : 0,
      // A gauge histogram is a snapshot, neither delta nor cumulative: OTLP has no word for it.
      temporality:
        h.resetHint === ResetHint.GAUGE
          ? AggregationTemporality.UNSPECIFIED
          : AggregationTemporality.CUMULATIVE,
      count: BigInt(h.count),
      sum: h.sum,
      min: undefined,
      max: undefined,
      scale: h.schema,
      zeroCount: BigInt(h.zeroCount),
      zeroThreshold: h.zeroThreshold,
      positive: positive.buckets,
      negative: negative.buckets,
      exemplars: [],
    };
  }
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

/** Every label but `__name__`, `job` and `instance` (those name the metric and the resource). */
function pointAttributes(labels: readonly Label[]): Attributes {
  const attributes = createAttributes();
  for (const { name, value } of labels) {
    if (name !== '__name__' && name !== 'job' && name !== 'instance') setAttribute(attributes, name, value);
  }
  return attributes;
}

function labelValue(labels: readonly Label[], name: string): string {
  for (const label of labels) if (label.name === name) return label.value;
  return '';
}

/**
 * Remote write sends a series' exemplars beside its samples, not on them: each goes to the first
 * point (in time) at or after its time, or the latest point if none is, as OTLP keeps exemplars on
 * points. Binary search: a series may bring thousands of both.
 */
function attachExemplars(
  points: readonly { timeUnixNano: bigint; exemplars: ModelExemplar[] }[],
  exemplars: readonly Exemplar[],
  clock: { nanos(milliseconds: number): bigint },
): void {
  if (points.length === 0) return;
  const byTime = [...points].sort((a, b) =>
    a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
  );
  for (const exemplar of exemplars) {
    if (!isNanosRepresentable(exemplar.timestamp)) continue;
    const time = clock.nanos(exemplar.timestamp);
    let low = 0;
    let high = byTime.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((byTime[middle] as (typeof byTime)[number]).timeUnixNano < time) low = middle + 1;
      else high = middle;
    }
    (byTime[Math.min(low, byTime.length - 1)] as (typeof byTime)[number]).exemplars.push(
      toModelExemplar(exemplar, time),
    );
  }
}

// OTLP times are unsigned 64-bit nanoseconds and storage keeps int64 nanoseconds: from 1970 to 2262.
const MAX_MILLIS = 9_223_372_036_854;
const OUT_OF_RANGE = 'the timestamp (milliseconds) lies outside 1970–2262, which nanosecond times can hold';

/** Whether a millisecond timestamp fits OTLP's (and storage's) nanosecond times. */
function isNanosRepresentable(milliseconds: number): boolean {
  return Number.isSafeInteger(milliseconds) && milliseconds >= 0 && milliseconds <= MAX_MILLIS;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const SPAN_ID = /^[0-9a-f]{16}$/i;

function toModelExemplar(exemplar: Exemplar, timeUnixNano: bigint): ModelExemplar {
  const out: ModelExemplar = {
    filteredAttributes: createAttributes(),
    timeUnixNano,
    value: exemplar.value,
    traceId: '',
    spanId: '',
  };
  for (const { name, value } of exemplar.labels) {
    if (name === 'trace_id' && TRACE_ID.test(value)) out.traceId = value.toLowerCase();
    else if (name === 'span_id' && SPAN_ID.test(value)) out.spanId = value.toLowerCase();
    else setAttribute(out.filteredAttributes, name, value);
  }
  return out;
}

function describe(labels: readonly Label[]): string {
  const text = labels.map((l) => `${l.name}="${l.value}"`).join(', ');
  return text.length > 120 ? `${text.slice(0, 117)}...` : `{${text}}`;
}
