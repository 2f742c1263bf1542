import type {
  AttributeValue,
  ExponentialHistogramPoint,
  HistogramPoint,
  MetricPoint,
  Exemplar as ModelExemplar,
  SummaryPoint,
} from '@firefly/model';
import { AggregationTemporality } from '@firefly/model';
import { precedesInByteOrder } from '../validate.js';
import {
  type Exemplar,
  type Histogram,
  type Label,
  type MetricMetadata,
  MetricType,
  ResetHint,
  type TimeSeries,
  type WriteRequest,
} from '../write-request.js';
import { downscale, MAX_SCHEMA, MIN_SCHEMA, sparseBuckets } from './native-histogram.js';
import { targetLabelsOf } from './resource.js';

const NANOS_PER_MILLI = 1_000_000n;
const NO_RECORDED_VALUE = 1;

/**
 * A `WriteRequest` for model points, the way OpenTelemetry's Prometheus exporters write them:
 * names and label names with characters outside [a-zA-Z0-9_:] replaced by `_`, resources as `job`
 * and `instance`, gauges and sums as samples, histograms as `_bucket{le}`, `_sum` and `_count`,
 * summaries as `{quantile}`, `_sum` and `_count`, exponential histograms as native histograms.
 * Times are truncated to milliseconds. No unit or `_total` suffixes are added.
 */
export function fromMetricPoints(points: readonly MetricPoint[]): WriteRequest {
  const builder = new RequestBuilder();
  for (const point of points) builder.add(point);
  return builder.finish();
}

class RequestBuilder {
  private readonly series = new Map<string, TimeSeries>();
  private readonly metadata = new Map<string, MetricMetadata>();

  add(point: MetricPoint): void {
    const name = sanitize(point.metric.name);
    const labels = labelsOf(point, name);
    const time = Number(point.timeUnixNano / NANOS_PER_MILLI);
    const stale = (point.flags & NO_RECORDED_VALUE) !== 0;
    switch (point.type) {
      case 'gauge':
      case 'sum': {
        const counter = point.type === 'sum' && point.monotonic;
        this.describe(point, name, counter ? MetricType.COUNTER : MetricType.GAUGE);
        const series = this.seriesFor(labels);
        series.samples.push({ value: Number(point.value), timestamp: time, stale });
        series.exemplars.push(...point.exemplars.map(toExemplar));
        return;
      }
      case 'histogram':
        this.describe(point, name, MetricType.HISTOGRAM);
        this.addHistogram(point, name, labels, time, stale);
        return;
      case 'summary':
        this.describe(point, name, MetricType.SUMMARY);
        this.addSummary(point, name, labels, time, stale);
        return;
      case 'exponential_histogram': {
        this.describe(point, name, MetricType.HISTOGRAM);
        const series = this.seriesFor(labels);
        series.histograms.push(nativeHistogram(point, time, stale));
        series.exemplars.push(...point.exemplars.map(toExemplar));
        return;
      }
    }
  }

  finish(): WriteRequest {
    return { timeseries: [...this.series.values()], metadata: [...this.metadata.values()] };
  }

  private addHistogram(
    point: HistogramPoint,
    name: string,
    labels: Label[],
    time: number,
    stale: boolean,
  ): void {
    let cumulative = 0n;
    point.bucketCounts.forEach((count, i) => {
      cumulative += count;
      const le = i < point.explicitBounds.length ? formatFloat(point.explicitBounds[i] as number) : '+Inf';
      this.sample(withName(labels, `${name}_bucket`, ['le', le]), Number(cumulative), time, stale);
    });
    if (point.sum !== undefined) this.sample(withName(labels, `${name}_sum`), point.sum, time, stale);
    this.sample(withName(labels, `${name}_count`), Number(point.count), time, stale);
    if (point.exemplars.length > 0) {
      const infBucket = this.seriesFor(withName(labels, `${name}_bucket`, ['le', '+Inf']));
      infBucket.exemplars.push(...point.exemplars.map(toExemplar));
    }
  }

  private addSummary(point: SummaryPoint, name: string, labels: Label[], time: number, stale: boolean): void {
    for (const { quantile, value } of point.quantiles) {
      this.sample(withName(labels, name, ['quantile', formatFloat(quantile)]), value, time, stale);
    }
    this.sample(withName(labels, `${name}_sum`), point.sum, time, stale);
    this.sample(withName(labels, `${name}_count`), Number(point.count), time, stale);
  }

  private sample(labels: Label[], value: number, timestamp: number, stale: boolean): void {
    this.seriesFor(labels).samples.push({ value, timestamp, stale });
  }

  private seriesFor(labels: Label[]): TimeSeries {
    const key = labels.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels, samples: [], exemplars: [], histograms: [] };
      this.series.set(key, series);
    }
    return series;
  }

  private describe(point: MetricPoint, family: string, type: number): void {
    if (this.metadata.has(family)) return;
    const { description: help, unit } = point.metric;
    this.metadata.set(family, { type, metricFamilyName: family, help, unit });
  }
}

/** Sorted labels: `__name__`, `job` and `instance` from the resource, and the point's attributes. */
function labelsOf(point: MetricPoint, name: string): Label[] {
  const byName = new Map<string, string>();
  const put = (key: string, value: string) => {
    if (value === '') return;
    const existing = byName.get(key);
    // Two keys that sanitize alike ("a.b", "a_b") keep both values, as OpenTelemetry does.
    byName.set(key, existing === undefined ? value : `${existing};${value}`);
  };
  for (const [key, value] of Object.entries(point.attributes)) put(sanitize(key), stringify(value));
  const { job, instance } = targetLabelsOf(point.metric.resource.attributes);
  byName.set('job', job);
  byName.set('instance', instance);
  byName.set('__name__', name);
  return sortLabels(
    [...byName].filter(([, value]) => value !== '').map(([n, value]) => ({ name: n, value })),
  );
}

/** The labels of one series of a histogram or summary: its own name, and `le` or `quantile`. */
function withName(labels: readonly Label[], name: string, extra?: [string, string]): Label[] {
  const out = labels.filter((l) => l.name !== '__name__' && l.name !== extra?.[0]);
  out.push({ name: '__name__', value: name });
  if (extra !== undefined) out.push({ name: extra[0], value: extra[1] });
  return sortLabels(out);
}

function sortLabels(labels: Label[]): Label[] {
  return labels.sort((a, b) => (a.name === b.name ? 0 : precedesInByteOrder(a.name, b.name) ? -1 : 1));
}

function nativeHistogram(point: ExponentialHistogramPoint, timestamp: number, stale: boolean): Histogram {
  if (point.scale < MIN_SCHEMA) {
    throw new RangeError(
      `exponential histogram scale ${point.scale} is below native histograms' schema ${MIN_SCHEMA}`,
    );
  }
  const by = Math.max(0, point.scale - MAX_SCHEMA);
  const positive = sparseBuckets(downscale(point.positive, by));
  const negative = sparseBuckets(downscale(point.negative, by));
  return {
    kind: 'int',
    count: Number(point.count),
    sum: point.sum ?? 0,
    stale,
    schema: point.scale - by,
    zeroThreshold: point.zeroThreshold,
    zeroCount: Number(point.zeroCount),
    negativeSpans: negative.spans,
    negativeDeltas: negative.deltas,
    negativeCounts: [],
    positiveSpans: positive.spans,
    positiveDeltas: positive.deltas,
    positiveCounts: [],
    resetHint: point.temporality === AggregationTemporality.UNSPECIFIED ? ResetHint.GAUGE : ResetHint.UNKNOWN,
    timestamp,
  };
}

function toExemplar(exemplar: ModelExemplar): Exemplar {
  const labels: Label[] = [];
  for (const [key, value] of Object.entries(exemplar.filteredAttributes)) {
    labels.push({ name: sanitize(key), value: stringify(value) });
  }
  if (exemplar.spanId !== '') labels.push({ name: 'span_id', value: exemplar.spanId });
  if (exemplar.traceId !== '') labels.push({ name: 'trace_id', value: exemplar.traceId });
  return {
    labels: sortLabels(labels),
    value: Number(exemplar.value),
    timestamp: Number(exemplar.timeUnixNano / NANOS_PER_MILLI),
  };
}

/** Prometheus's name rules: [a-zA-Z_:][a-zA-Z0-9_:]*; anything else becomes `_`. */
export function sanitize(name: string): string {
  const replaced = name.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(replaced) ? `_${replaced}` : replaced;
}

function stringify(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  return String(value);
}

/** Floats as Prometheus prints `le` and `quantile` labels. */
function formatFloat(value: number): string {
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
