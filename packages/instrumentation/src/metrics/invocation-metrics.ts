import {
  AggregationTemporality,
  type HistogramPoint,
  type InstrumentationScope,
  type Metric,
  type MetricPoint,
  type Resource,
  type SumPoint,
} from '@firefly/model';
import {
  ATTR_FAAS_TRIGGER,
  METRIC_FAAS_COLDSTARTS,
  METRIC_FAAS_ERRORS,
  METRIC_FAAS_INIT_DURATION,
  METRIC_FAAS_INVOCATIONS,
  METRIC_FAAS_INVOKE_DURATION,
  METRIC_FAAS_MEM_USAGE,
  METRIC_FAAS_TIMEOUTS,
} from '@opentelemetry/semantic-conventions/incubating';
import type { MetricsTemporality } from '../config/options.js';
import type { MetricsSource } from '../export/flusher.js';

/** Seconds: from 5 ms to Lambda's 15-minute maximum. */
const DURATION_BOUNDS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60, 120, 300, 600, 900,
];
const MIB = 1024 * 1024;
/** Bytes: Lambda's memory sizes run from 128 MiB to 10 GiB. */
const MEMORY_BOUNDS = [
  32, 64, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 10240,
].map((mib) => mib * MIB);

export type InvocationOutcome = 'success' | 'error' | 'timeout';

export interface InvocationRecord {
  trigger: string;
  outcome: InvocationOutcome;
  durationMs: number;
  coldStart: boolean;
  /** Set on the first invocation of the execution environment. */
  initDurationMs: number | undefined;
}

interface Histogram {
  count: number;
  sum: number;
  min: number;
  max: number;
  buckets: number[];
}

type CounterName = 'invocations' | 'errors' | 'timeouts' | 'coldstarts';
type HistogramName = 'duration' | 'init' | 'memory';

/**
 * The FaaS metrics of the semantic conventions, aggregated in-process and exported with the spans
 * after each invocation, so no CloudWatch pipeline is needed. Series are keyed by `faas.trigger`.
 *
 * Delta temporality (the default) sends each invocation's contribution once and keeps no state
 * between flushes, which suits execution environments that come and go; cumulative sends running
 * totals per environment (told apart by `service.instance.id`) from its start.
 */
export class InvocationMetrics implements MetricsSource {
  private readonly metrics: Record<CounterName | HistogramName, Metric>;
  private readonly bounds: Record<HistogramName, number[]>;
  /** Recorded, not yet aggregated: aggregation and the memory reading wait for the flush. */
  private pending: InvocationRecord[] = [];
  private counters = new Map<string, number>();
  private histograms = new Map<string, Histogram>();
  private periodStart: bigint;
  private readonly temporality: number;

  constructor(
    resource: Resource,
    scope: InstrumentationScope,
    private readonly mode: MetricsTemporality,
    startTimeUnixNano: bigint,
  ) {
    const metric = (name: string, unit: string, description: string): Metric => ({
      resource,
      scope,
      name,
      unit,
      description,
      metadata: {},
    });
    this.metrics = {
      invocations: metric(METRIC_FAAS_INVOCATIONS, '{invocation}', 'Number of successful invocations.'),
      errors: metric(METRIC_FAAS_ERRORS, '{error}', 'Number of invocation errors.'),
      timeouts: metric(METRIC_FAAS_TIMEOUTS, '{timeout}', 'Number of invocation timeouts.'),
      coldstarts: metric(METRIC_FAAS_COLDSTARTS, '{coldstart}', 'Number of invocation cold starts.'),
      duration: metric(METRIC_FAAS_INVOKE_DURATION, 's', "Duration of the function's logic execution."),
      init: metric(METRIC_FAAS_INIT_DURATION, 's', "Duration of the function's initialization."),
      memory: metric(METRIC_FAAS_MEM_USAGE, 'By', 'Resident memory of the execution environment.'),
    };
    this.bounds = { duration: DURATION_BOUNDS, init: DURATION_BOUNDS, memory: MEMORY_BOUNDS };
    this.temporality = mode === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    this.periodStart = startTimeUnixNano;
  }

  /** Cheap on purpose: it runs before the response in every flush mode. */
  record(record: InvocationRecord): void {
    this.pending.push(record);
  }

  /**
   * The points to export. Memory is read here, at most once a second: the resident set size after
   * the invocations (reading it is a system call, as dear as the rest of an invocation's tracing).
   */
  collect(memoryBytes = residentSetSize()): MetricPoint[] {
    this.hold(memoryBytes);
    const now = nowUnixNano();
    const points: MetricPoint[] = [];
    for (const [key, value] of this.counters) {
      const [name, trigger] = splitKey(key) as [CounterName, string];
      points.push(this.sumPoint(name, trigger, value, now));
    }
    for (const [key, histogram] of this.histograms) {
      const [name, trigger] = splitKey(key) as [HistogramName, string];
      points.push(this.histogramPoint(name, trigger, histogram, now));
    }
    if (this.mode === 'delta') {
      this.counters = new Map();
      this.histograms = new Map();
      this.periodStart = now;
    }
    return points;
  }

  /**
   * Aggregates what was recorded without producing points, for a later `collect()`: while exports
   * to the metrics endpoint pause, nothing is lost and memory stays bounded by the series.
   */
  hold(memoryBytes = residentSetSize()): void {
    for (const record of this.pending) this.aggregate(record, memoryBytes);
    this.pending = [];
  }

  private aggregate(record: InvocationRecord, memoryBytes: number): void {
    const trigger = record.trigger;
    if (record.outcome === 'success') this.count('invocations', trigger);
    else this.count(record.outcome === 'error' ? 'errors' : 'timeouts', trigger);
    if (record.coldStart) this.count('coldstarts', trigger);
    this.observe('duration', trigger, record.durationMs / 1000);
    if (record.initDurationMs !== undefined) this.observe('init', trigger, record.initDurationMs / 1000);
    this.observe('memory', trigger, memoryBytes);
  }

  private count(name: CounterName, trigger: string): void {
    const key = `${name}\n${trigger}`;
    this.counters.set(key, (this.counters.get(key) ?? 0) + 1);
  }

  private observe(name: HistogramName, trigger: string, value: number): void {
    const key = `${name}\n${trigger}`;
    const bounds = this.bounds[name];
    let histogram = this.histograms.get(key);
    if (histogram === undefined) {
      histogram = { count: 0, sum: 0, min: value, max: value, buckets: new Array(bounds.length + 1).fill(0) };
      this.histograms.set(key, histogram);
    }
    histogram.count += 1;
    histogram.sum += value;
    histogram.min = Math.min(histogram.min, value);
    histogram.max = Math.max(histogram.max, value);
    let bucket = bounds.findIndex((bound) => value <= bound);
    if (bucket === -1) bucket = bounds.length;
    histogram.buckets[bucket] = (histogram.buckets[bucket] ?? 0) + 1;
  }

  private sumPoint(name: CounterName, trigger: string, value: number, now: bigint): SumPoint {
    return {
      type: 'sum',
      metric: this.metrics[name],
      attributes: { [ATTR_FAAS_TRIGGER]: trigger },
      startTimeUnixNano: this.periodStart,
      timeUnixNano: now,
      flags: 0,
      value: BigInt(value),
      temporality: this.temporality,
      monotonic: true,
      exemplars: [],
    };
  }

  private histogramPoint(name: HistogramName, trigger: string, h: Histogram, now: bigint): HistogramPoint {
    return {
      type: 'histogram',
      metric: this.metrics[name],
      attributes: { [ATTR_FAAS_TRIGGER]: trigger },
      startTimeUnixNano: this.periodStart,
      timeUnixNano: now,
      flags: 0,
      temporality: this.temporality,
      count: BigInt(h.count),
      sum: h.sum,
      min: h.min,
      max: h.max,
      explicitBounds: this.bounds[name],
      bucketCounts: h.buckets.map((count) => BigInt(count)),
      exemplars: [],
    };
  }
}

let rss = { bytes: 0, at: Number.NEGATIVE_INFINITY };

function residentSetSize(): number {
  const now = performance.now();
  if (now - rss.at >= 1000) rss = { bytes: process.memoryUsage.rss(), at: now };
  return rss.bytes;
}

function splitKey(key: string): [string, string] {
  const at = key.indexOf('\n');
  return [key.slice(0, at), key.slice(at + 1)];
}

/** Now, in nanoseconds since the epoch, at microsecond precision. */
export function nowUnixNano(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}
