import type { MetricPoint } from '@firefly/model';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  type DataPoint,
  DataPointType,
  type ExponentialHistogram,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { expectedAttributes, nanos } from './expect.js';

class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One collection from the real OpenTelemetry JS metrics SDK, every instrument kind it has. */
export async function sdkMetrics(
  temporality: 'cumulative' | 'delta' = 'cumulative',
): Promise<ResourceMetrics> {
  const reader = new CollectingReader({
    aggregationTemporalitySelector: () =>
      temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout-handler', 'faas.max_memory': 1024 }),
    readers: [reader],
    views: [
      {
        instrumentName: 'http.server.request.body.size',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
  });
  const meter = provider.getMeter('@firefly/test', '1.2.3');
  const invocations = meter.createCounter('faas.invocations', {
    description: 'Invocations',
    unit: '{invocation}',
    valueType: ValueType.INT,
  });
  invocations.add(3, { 'faas.trigger': 'http' });
  invocations.add(2, { 'faas.trigger': 'pubsub' });
  meter.createCounter('faas.cpu_usage', { unit: 's' }).add(0.125, { 'faas.name': 'checkout' });
  meter.createUpDownCounter('queue.depth', { valueType: ValueType.INT }).add(-7);
  const duration = meter.createHistogram('faas.invoke_duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.1, 1, 10] },
  });
  for (const value of [0.003, 0.02, 0.02, 0.5, 12]) duration.record(value, { 'faas.coldstart': false });
  const sizes = meter.createHistogram('http.server.request.body.size', { unit: 'By' });
  for (const value of [0, 1, 3, 100, 1000, 65_536, 0.5]) sizes.record(value);
  meter
    .createGauge('faas.mem_usage', { unit: 'By', valueType: ValueType.INT })
    .record(134_217_728, { 'faas.name': 'checkout' });
  meter
    .createObservableGauge('process.cpu.utilization', { unit: '1' })
    .addCallback((result) => result.observe(0.42, { 'cpu.mode': 'user' }));
  meter.createObservableUpDownCounter('faas.concurrency').addCallback((result) => result.observe(5));
  provider.getMeter('other-scope').createCounter('other.count').add(1);
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw errors[0];
  return resourceMetrics;
}

/** What a decoded point must hold, from the SDK's own MetricData (no resource/scope/metric). */
export function expectedPoints(metric: MetricData): Omit<MetricPoint, 'metric'>[] {
  const temporality = metric.aggregationTemporality === AggregationTemporality.DELTA ? 1 : 2;
  return (metric.dataPoints as DataPoint<unknown>[]).map((p) => {
    const base = {
      attributes: expectedAttributes(p.attributes),
      startTimeUnixNano: nanos(p.startTime),
      timeUnixNano: nanos(p.endTime),
      flags: 0,
    };
    switch (metric.dataPointType) {
      case DataPointType.GAUGE:
        return { ...base, type: 'gauge', value: number(p.value as number, metric), exemplars: [] };
      case DataPointType.SUM:
        return {
          ...base,
          type: 'sum',
          value: number(p.value as number, metric),
          temporality,
          monotonic: metric.isMonotonic,
          exemplars: [],
        };
      case DataPointType.HISTOGRAM: {
        const h = p.value as Histogram;
        return {
          ...base,
          type: 'histogram',
          temporality,
          count: BigInt(h.count),
          sum: h.sum,
          min: h.min,
          max: h.max,
          explicitBounds: h.buckets.boundaries,
          bucketCounts: h.buckets.counts.map(BigInt),
          exemplars: [],
        };
      }
      case DataPointType.EXPONENTIAL_HISTOGRAM: {
        const h = p.value as ExponentialHistogram;
        return {
          ...base,
          type: 'exponential_histogram',
          temporality,
          count: BigInt(h.count),
          sum: h.sum,
          min: h.min,
          max: h.max,
          scale: h.scale,
          zeroCount: BigInt(h.zeroCount),
          zeroThreshold: 0,
          positive: { offset: h.positive.offset, bucketCounts: h.positive.bucketCounts.map(BigInt) },
          negative: { offset: h.negative.offset, bucketCounts: h.negative.bucketCounts.map(BigInt) },
          exemplars: [],
        };
      }
      default:
        throw new Error(`unexpected data point type ${(metric as MetricData).dataPointType}`);
    }
  }) as Omit<MetricPoint, 'metric'>[];
}

function number(value: number, metric: MetricData): number | bigint {
  return metric.descriptor.valueType === ValueType.INT ? BigInt(value) : value;
}
