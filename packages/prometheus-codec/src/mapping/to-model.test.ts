import { AggregationTemporality, type ExponentialHistogramPoint, type MetricPoint } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { everyFeature, histogram, series } from '../../test-support/requests.js';
import { type MetricMetadata, MetricType, type WriteRequest } from '../write-request.js';
import { toMetricPoints } from './to-model.js';

const S = (value: number, timestamp = 1_000) => ({ value, timestamp, stale: false });

function kinds(request: WriteRequest, metadata?: Map<string, MetricMetadata>) {
  return toMetricPoints(request, metadata ? { metadata } : {}).points.map((p) => [
    p.metric.name,
    p.type,
    p.type === 'sum' ? p.monotonic : undefined,
  ]);
}

describe('model types', () => {
  const names = [
    'requests_total',
    'latency_seconds_bucket',
    'latency_seconds_count',
    'latency_seconds_sum',
    'latency_seconds_created',
    'queue_depth',
    'rpc_duration',
  ];
  const request = (metadata: MetricMetadata[] = []): WriteRequest => ({
    timeseries: names.map((name) => series({ __name__: name }, { samples: [S(1)] })),
    metadata,
  });

  it('without metadata, by suffix: _total/_bucket/_count monotonic sums, _sum a sum, the rest gauges', () => {
    expect(kinds(request())).toEqual([
      ['requests_total', 'sum', true],
      ['latency_seconds_bucket', 'sum', true],
      ['latency_seconds_count', 'sum', true],
      ['latency_seconds_sum', 'sum', false],
      ['latency_seconds_created', 'gauge', undefined],
      ['queue_depth', 'gauge', undefined],
      ['rpc_duration', 'gauge', undefined],
    ]);
  });

  it('with metadata, by the family type (exact name or name without its suffix)', () => {
    const md = (type: number, metricFamilyName: string): MetricMetadata => ({
      type,
      metricFamilyName,
      help: `${metricFamilyName} help`,
      unit: 'u',
    });
    const metadata = [
      md(MetricType.GAUGE, 'requests_total'),
      md(MetricType.HISTOGRAM, 'latency_seconds'),
      md(MetricType.COUNTER, 'rpc_duration'),
    ];
    expect(kinds(request(metadata))).toEqual([
      ['requests_total', 'gauge', undefined],
      ['latency_seconds_bucket', 'sum', true],
      ['latency_seconds_count', 'sum', true],
      ['latency_seconds_sum', 'sum', false],
      ['latency_seconds_created', 'gauge', undefined],
      ['queue_depth', 'gauge', undefined],
      ['rpc_duration', 'sum', true],
    ]);
    const points = toMetricPoints(request(metadata)).points;
    expect(points[1]?.metric).toMatchObject({ description: 'latency_seconds help', unit: 'u' });
    expect(points[5]?.metric).toMatchObject({ description: '', unit: '' });
  });

  it('summaries: quantile series are gauges, _count a monotonic sum; gauge histograms are gauges', () => {
    const metadata: MetricMetadata[] = [
      { type: MetricType.SUMMARY, metricFamilyName: 'rpc', help: '', unit: '' },
      { type: MetricType.GAUGEHISTOGRAM, metricFamilyName: 'queue', help: '', unit: '' },
    ];
    const req: WriteRequest = {
      timeseries: [
        series({ __name__: 'rpc', quantile: '0.99' }, { samples: [S(1)] }),
        series({ __name__: 'rpc_count' }, { samples: [S(1)] }),
        series({ __name__: 'queue_bucket', le: '1' }, { samples: [S(1)] }),
        series({ __name__: 'queue_gcount' }, { samples: [S(1)] }),
      ],
      metadata,
    };
    expect(kinds(req)).toEqual([
      ['rpc', 'gauge', undefined],
      ['rpc_count', 'sum', true],
      ['queue_bucket', 'gauge', undefined],
      ['queue_gcount', 'gauge', undefined],
    ]);
  });

  it("metadata from earlier requests is used, and the request's own wins", () => {
    const earlier = new Map([
      ['queue_depth', { type: MetricType.COUNTER, metricFamilyName: 'queue_depth', help: 'old', unit: '' }],
    ]);
    expect(kinds(request(), earlier)[5]).toEqual(['queue_depth', 'sum', true]);
    const own = [{ type: MetricType.GAUGE, metricFamilyName: 'queue_depth', help: 'new', unit: '' }];
    expect(kinds(request(own), earlier)[5]).toEqual(['queue_depth', 'gauge', undefined]);
  });
});

describe('fields', () => {
  const { points, rejectedSamples } = toMetricPoints(everyFeature());

  it('job and instance become the resource; other labels the attributes; ms become exact ns', () => {
    expect(rejectedSamples).toBe(0);
    const first = points[0] as MetricPoint & { type: 'sum' };
    expect(first.metric.resource).toEqual({
      attributes: {
        'service.namespace': 'shop',
        'service.name': 'checkout',
        'service.instance.id': '10.0.0.7:9100',
      },
      droppedAttributesCount: 0,
      schemaUrl: '',
      serviceName: 'checkout',
    });
    expect(first.metric.scope.name).toBe('@firefly/prometheus-codec');
    expect(first).toMatchObject({
      type: 'sum',
      temporality: AggregationTemporality.CUMULATIVE,
      monotonic: true,
      attributes: { code: '200', method: 'GET' },
      startTimeUnixNano: 0n,
      timeUnixNano: 1_764_000_000_123_000_000n,
      value: 1027,
      flags: 0,
    });
    // One metric object per series, shared by its points.
    expect(points[1]?.metric).toBe(first.metric);
  });

  it('a staleness marker becomes NaN with the OTLP "no recorded value" flag', () => {
    expect(points[2]).toMatchObject({ value: Number.NaN, flags: 1 });
    expect(points.find((p) => p.metric.name === 'weird_values' && p.flags !== 0)).toBeUndefined();
  });

  it('exemplars go to the first point at or after their time, with trace and span ids', () => {
    expect(points[0] && 'exemplars' in points[0] ? points[0].exemplars : undefined).toEqual([]);
    expect(points[1] && 'exemplars' in points[1] ? points[1].exemplars : undefined).toEqual([
      {
        filteredAttributes: {},
        timeUnixNano: 1_764_000_010_123_000_000n,
        value: 1,
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
      },
    ]);
  });

  it('label values keep quotes, backslashes and emoji', () => {
    const weird = points.find((p) => p.metric.name === 'weird_values');
    expect(weird?.attributes).toEqual({ quote: 'say "hi"\\n', emoji: '🔥 ünïcødé', empty_ish: ' ' });
    expect(weird?.metric.resource.serviceName).toBe('lab');
  });
});

describe('native histograms', () => {
  const histograms = toMetricPoints(everyFeature()).points.filter(
    (p): p is ExponentialHistogramPoint => p.type === 'exponential_histogram',
  );

  it('integer histogram: spans and deltas become dense buckets one index lower', () => {
    // positive spans {-2, 2}, {3, 2} with deltas 3, 2, -4, 10 → buckets -2:3, -1:5, 3:1, 4:11.
    expect(histograms[0]).toMatchObject({
      count: 19n,
      sum: 4.25,
      scale: 3,
      zeroThreshold: 2 ** -128,
      zeroCount: 2n,
      positive: { offset: -3, bucketCounts: [3n, 5n, 0n, 0n, 0n, 1n, 11n] },
      negative: { offset: -1, bucketCounts: [1n] },
      temporality: AggregationTemporality.CUMULATIVE,
      flags: 0,
    });
  });

  it('float histogram with whole counts; gauge histogram has no temporality', () => {
    expect(histograms.map((h) => h.count)).toEqual([19n, 7n, 0n]);
    const decoded = toMetricPoints({
      timeseries: [
        series(
          { __name__: 'g' },
          {
            histograms: [
              histogram({
                kind: 'float',
                count: 6,
                zeroCount: 1,
                schema: -1,
                positiveSpans: [{ offset: 1, length: 2 }],
                positiveCounts: [2, 3],
                resetHint: 3,
              }),
            ],
          },
        ),
      ],
      metadata: [],
    });
    expect(decoded.points[0]).toMatchObject({
      count: 6n,
      zeroCount: 1n,
      scale: -1,
      positive: { offset: 0, bucketCounts: [2n, 3n] },
      temporality: AggregationTemporality.UNSPECIFIED,
    });
  });

  it('what the model cannot hold rejects the series, with the reason', () => {
    const bad = (h: Partial<ReturnType<typeof histogram>>) =>
      toMetricPoints({
        timeseries: [series({ __name__: 'h' }, { histograms: [histogram(h)] })],
        metadata: [],
      }).errorMessage;
    expect(bad({ kind: 'float', count: 7.5 })).toBe(
      'series 0 ({__name__="h"}): native histogram at 0: native histogram count 7.5 or zero count 0 is not a whole number ≥ 0',
    );
    expect(bad({ schema: -53 })).toContain('native histogram schema -53 has no exponential buckets');
    expect(bad({ positiveSpans: [{ offset: 0, length: 2 }], positiveDeltas: [1] })).toContain(
      'positive spans hold 2 buckets but 1 deltas were sent',
    );
    expect(bad({ positiveSpans: [{ offset: 0, length: 2 }], positiveDeltas: [1, -2] })).toContain(
      'positive bucket 1 has count -1',
    );
    expect(
      bad({
        negativeSpans: [
          { offset: 0, length: 1 },
          { offset: -1, length: 1 },
        ],
        negativeDeltas: [1, 0],
      }),
    ).toContain('negative spans overlap');
  });

  it('a stale native histogram carries the flag', () => {
    expect(histograms[2]).toMatchObject({ count: 0n, sum: Number.NaN, flags: 1 });
  });

  it('a histogram the model cannot hold is rejected alone; the series keeps its other samples', () => {
    const result = toMetricPoints({
      timeseries: [
        series(
          { __name__: 'h' },
          {
            histograms: [
              histogram({ count: 1, timestamp: 5 }),
              histogram({ kind: 'float', count: 0.5, timestamp: 6 }),
              histogram({ count: 2, timestamp: 7 }),
            ],
          },
        ),
      ],
      metadata: [],
    });
    expect(result.points.map((p) => p.timeUnixNano)).toEqual([5_000_000n, 7_000_000n]);
    expect(result.rejectedSamples).toBe(1);
    expect(result.errorMessage).toMatch(/^series 0 \({__name__="h"}\): native histogram at 6: /);
  });
});

describe('validation', () => {
  it('rejects series that break the rules, keeps the rest and says why', () => {
    const raw = (labels: [string, string][]) => ({
      labels: labels.map(([name, value]) => ({ name, value })),
      samples: [S(1)],
      exemplars: [],
      histograms: [],
    });
    const result = toMetricPoints({
      timeseries: [
        raw([['__name__', 'ok']]),
        raw([
          ['job', 'a'],
          ['__name__', 'x'],
        ]),
        raw([
          ['__name__', 'x'],
          ['a', '1'],
          ['a', '2'],
        ]),
        raw([['job', 'j']]),
        raw([
          ['__name__', 'x'],
          ['a', ''],
        ]),
        raw([
          ['', 'v'],
          ['__name__', 'x'],
        ]),
        raw([['__name__', 'ok2']]),
      ],
      metadata: [],
    });
    expect(result.points.map((p) => p.metric.name)).toEqual(['ok', 'ok2']);
    expect(result.rejectedSamples).toBe(5);
    expect(toMetricPoints({ timeseries: [raw([['job', 'j']])], metadata: [] }).rejectedSamples).toBe(1);
    expect(result.errorMessage).toBe(
      [
        'series 1 ({job="a", __name__="x"}): labels are not sorted by name ("job" comes before "__name__")',
        'series 2 ({__name__="x", a="1", a="2"}): label "a" appears twice',
        'series 3 ({job="j"}): the series has no __name__ label',
        'series 4 ({__name__="x", a=""}): label "a" has an empty value',
        'series 5 ({="v", __name__="x"}): label 0 has an empty name',
      ].join('; '),
    );
  });
});

describe('times the model cannot hold', () => {
  it('a sample or native histogram before 1970 or after 2262 is rejected alone', () => {
    const result = toMetricPoints({
      timeseries: [
        series(
          { __name__: 'm' },
          {
            samples: [S(1, -1), S(2, 5), S(3, 9_223_372_036_855)],
            histograms: [histogram({ count: 0, timestamp: 2 ** 50 })],
          },
        ),
      ],
      metadata: [],
    });
    expect(result.points.map((p) => p.timeUnixNano)).toEqual([5_000_000n]);
    expect(result.rejectedSamples).toBe(3);
    expect(result.errorMessage).toMatch(/^series 0 \({__name__="m"}\): sample at -1: the timestamp/);
    expect(result.errorMessage).toContain('native histogram at 1125899906842624: the timestamp');
  });

  it('the latest representable millisecond still fits int64 nanoseconds', () => {
    const [point] = toMetricPoints({
      timeseries: [series({ __name__: 'm' }, { samples: [S(1, 9_223_372_036_854)] })],
      metadata: [],
    }).points;
    expect(point?.timeUnixNano).toBe(9_223_372_036_854_000_000n);
    expect(point && point.timeUnixNano < 2n ** 63n).toBe(true);
  });

  it('an exemplar with such a time is dropped; the samples stay', () => {
    const [point] = toMetricPoints({
      timeseries: [
        series(
          { __name__: 'm' },
          { samples: [S(1, 10)], exemplars: [{ labels: [], value: 1, timestamp: -5 }] },
        ),
      ],
      metadata: [],
    }).points;
    expect(point && 'exemplars' in point ? point.exemplars : undefined).toEqual([]);
  });

  it('a native histogram whose buckets start below int32 offsets is rejected', () => {
    const result = toMetricPoints({
      timeseries: [
        series(
          { __name__: 'h' },
          {
            histograms: [
              histogram({
                count: 1,
                positiveSpans: [{ offset: -(2 ** 31), length: 1 }],
                positiveDeltas: [1],
              }),
            ],
          },
        ),
      ],
      metadata: [],
    });
    expect(result.rejectedSamples).toBe(1);
    expect(result.errorMessage).toContain(
      "positive spans start at bucket -2147483648, below OTLP's int32 offsets",
    );
  });
});

describe('exemplars at scale', () => {
  it('30,000 exemplars over 30,000 samples each find their point by time, not by array order', () => {
    const n = 30_000;
    // Samples newest first, so "first at or after" must mean in time, not in the array.
    const samples = Array.from({ length: n }, (_, i) => S(i, 1_000 * (n - i)));
    const exemplars = Array.from({ length: n }, (_, i) => ({
      labels: [],
      value: i,
      timestamp: 1_000 * i + 1,
    }));
    const { points } = toMetricPoints({
      timeseries: [series({ __name__: 'm' }, { samples, exemplars })],
      metadata: [],
    });
    const byTime = new Map(points.map((p) => [p.timeUnixNano, p]));
    const at = (ms: number) => {
      const p = byTime.get(BigInt(ms) * 1_000_000n);
      return p && 'exemplars' in p ? p.exemplars.map((e) => e.value) : undefined;
    };
    expect(at(1_000)).toEqual([0]); // exemplar at 1 ms → first sample at or after: 1,000 ms
    expect(at(2_000)).toEqual([1]);
    expect(at(n * 1_000)).toEqual([n - 1]);
    expect(points.reduce((total, p) => total + ('exemplars' in p ? p.exemplars.length : 0), 0)).toBe(n);
  });
});
