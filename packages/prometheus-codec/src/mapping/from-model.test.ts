import {
  AggregationTemporality,
  createAttributes,
  type ExponentialHistogramPoint,
  type HistogramPoint,
  type Metric,
  type Resource,
  type SummaryPoint,
} from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { everyFeature } from '../../test-support/requests.js';
import { MetricType } from '../write-request.js';
import { fromMetricPoints, sanitize } from './from-model.js';
import { toMetricPoints } from './to-model.js';

const resource: Resource = {
  attributes: {
    'service.name': 'checkout',
    'service.namespace': 'shop',
    'service.instance.id': 'i-1',
    'cloud.region': 'eu-west-1',
  },
  droppedAttributesCount: 0,
  schemaUrl: '',
  serviceName: 'checkout',
};
const metric = (name: string, extra: Partial<Metric> = {}): Metric => ({
  resource,
  scope: { name: 's', version: '', attributes: createAttributes(), droppedAttributesCount: 0, schemaUrl: '' },
  name,
  description: `${name} help`,
  unit: 'ms',
  metadata: createAttributes(),
  ...extra,
});
const T = 1_764_000_000_123_456_789n;

describe('model → WriteRequest', () => {
  it('round-trips what came from remote write', () => {
    const points = toMetricPoints(everyFeature()).points;
    expect(toMetricPoints(fromMetricPoints(points)).points).toEqual(points);
  });

  it('histograms become cumulative _bucket{le} series, _sum and _count', () => {
    const point: HistogramPoint = {
      type: 'histogram',
      metric: metric('http.server.duration'),
      attributes: { 'http.method': 'GET', http_method: 'POST', status: 200n },
      startTimeUnixNano: 0n,
      timeUnixNano: T,
      flags: 0,
      temporality: AggregationTemporality.CUMULATIVE,
      count: 10n,
      sum: 123.5,
      min: 1,
      max: 50,
      explicitBounds: [5, 10.5],
      bucketCounts: [2n, 3n, 5n],
      exemplars: [
        {
          filteredAttributes: { user: 'u1' },
          timeUnixNano: T,
          value: 7,
          traceId: 'ab'.repeat(16),
          spanId: 'cd'.repeat(8),
        },
      ],
    };
    const request = fromMetricPoints([point]);
    const base = { http_method: 'GET;POST', instance: 'i-1', job: 'shop/checkout', status: '200' };
    expect(
      request.timeseries.map((s) => [Object.fromEntries(s.labels.map((l) => [l.name, l.value])), s.samples]),
    ).toEqual([
      [
        { __name__: 'http_server_duration_bucket', le: '5', ...base },
        [{ value: 2, timestamp: 1_764_000_000_123, stale: false }],
      ],
      [
        { __name__: 'http_server_duration_bucket', le: '10.5', ...base },
        [{ value: 5, timestamp: 1_764_000_000_123, stale: false }],
      ],
      [
        { __name__: 'http_server_duration_bucket', le: '+Inf', ...base },
        [{ value: 10, timestamp: 1_764_000_000_123, stale: false }],
      ],
      [
        { __name__: 'http_server_duration_sum', ...base },
        [{ value: 123.5, timestamp: 1_764_000_000_123, stale: false }],
      ],
      [
        { __name__: 'http_server_duration_count', ...base },
        [{ value: 10, timestamp: 1_764_000_000_123, stale: false }],
      ],
    ]);
    expect(request.timeseries[2]?.exemplars).toEqual([
      {
        labels: [
          { name: 'span_id', value: 'cd'.repeat(8) },
          { name: 'trace_id', value: 'ab'.repeat(16) },
          { name: 'user', value: 'u1' },
        ],
        value: 7,
        timestamp: 1_764_000_000_123,
      },
    ]);
    expect(request.metadata).toEqual([
      {
        type: MetricType.HISTOGRAM,
        metricFamilyName: 'http_server_duration',
        help: 'http.server.duration help',
        unit: 'ms',
      },
    ]);
    // Labels come out sorted, as remote write requires.
    for (const s of request.timeseries) {
      const names = s.labels.map((l) => l.name);
      expect(names).toEqual([...names].sort());
    }
  });

  it('summaries become {quantile} series, _sum and _count; stale points get the marker', () => {
    const point: SummaryPoint = {
      type: 'summary',
      metric: metric('rpc'),
      attributes: {},
      startTimeUnixNano: 0n,
      timeUnixNano: T,
      flags: 1,
      count: 4n,
      sum: 8,
      quantiles: [
        { quantile: 0, value: 1 },
        { quantile: 0.99, value: 3 },
        { quantile: 1, value: 4 },
      ],
      statistics: {},
    };
    const request = fromMetricPoints([point]);
    expect(
      request.timeseries.map((s) => [
        s.labels.find((l) => l.name === '__name__')?.value,
        s.labels.find((l) => l.name === 'quantile')?.value,
        s.samples[0]?.stale,
      ]),
    ).toEqual([
      ['rpc', '0', true],
      ['rpc', '0.99', true],
      ['rpc', '1', true],
      ['rpc_sum', undefined, true],
      ['rpc_count', undefined, true],
    ]);
  });

  it('sanitizes names to what Prometheus accepts', () => {
    expect(sanitize('http.server.duration')).toBe('http_server_duration');
    expect(sanitize('9lives')).toBe('_9lives');
    expect(sanitize('a:b_c-d é')).toBe('a:b_c_d__');
  });

  it('an exponential histogram finer than schema 8 is merged down to 8, exactly', () => {
    const point: ExponentialHistogramPoint = {
      type: 'exponential_histogram',
      metric: metric('latency'),
      attributes: {},
      startTimeUnixNano: 0n,
      timeUnixNano: T,
      flags: 0,
      temporality: AggregationTemporality.CUMULATIVE,
      count: 15n,
      sum: 30,
      min: undefined,
      max: undefined,
      scale: 10,
      zeroCount: 0n,
      zeroThreshold: 0,
      // Scale 10 → scale 8 is index >> 2: -2 holds -8…-5, -1 holds -4…-1, 0 holds 0…3.
      positive: { offset: -5, bucketCounts: [1n, 2n, 3n, 0n, 0n, 4n, 5n, 0n] },
      negative: { offset: 7, bucketCounts: [] },
      exemplars: [],
    };
    const [back] = toMetricPoints(fromMetricPoints([point])).points;
    expect(back).toMatchObject({
      scale: 8,
      count: 15n,
      positive: { offset: -2, bucketCounts: [1n, 5n, 9n] },
      negative: { offset: 0, bucketCounts: [] },
    });
  });

  it('an exponential histogram coarser than schema -4 cannot be written', () => {
    const point = {
      ...toMetricPoints(everyFeature()).points.find((p) => p.type === 'exponential_histogram'),
    };
    expect(() => fromMetricPoints([{ ...point, scale: -5 } as ExponentialHistogramPoint])).toThrow(
      "exponential histogram scale -5 is below native histograms' schema -4",
    );
  });
});
