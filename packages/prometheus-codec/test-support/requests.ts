import { createRequire } from 'node:module';
import {
  emptyHistogram,
  type Histogram,
  type Label,
  type TimeSeries,
  type WriteRequest,
} from '../src/index.js';

/** protobufjs (reflection) over our copy of the remote write schema: an independent codec. */
export const reference = (() => {
  const protobuf = createRequire(import.meta.url)('protobufjs') as typeof import('protobufjs');
  const root = protobuf.loadSync(new URL('../src/testdata/prompb.proto', import.meta.url).pathname);
  return { WriteRequest: root.lookupType('prometheus.WriteRequest'), protobuf };
})();

export function labels(record: Record<string, string>): Label[] {
  return Object.entries(record)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function series(record: Record<string, string>, partial: Partial<TimeSeries> = {}): TimeSeries {
  return { labels: labels(record), samples: [], exemplars: [], histograms: [], ...partial };
}

export function histogram(partial: Partial<Histogram>): Histogram {
  return { ...emptyHistogram(), ...partial };
}

const T = 1_764_000_000_123;

/** One request with every part of the schema and the values that are easy to get wrong. */
export function everyFeature(): WriteRequest {
  return {
    timeseries: [
      series(
        {
          __name__: 'http_requests_total',
          job: 'shop/checkout',
          instance: '10.0.0.7:9100',
          method: 'GET',
          code: '200',
        },
        {
          samples: [
            { value: 1027, timestamp: T, stale: false },
            { value: 1_099_511_627_776.5, timestamp: T + 15_000, stale: false },
            { value: Number.NaN, timestamp: T + 30_000, stale: true },
          ],
          exemplars: [
            {
              labels: labels({ trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' }),
              value: 1,
              timestamp: T + 10_000,
            },
          ],
        },
      ),
      series(
        { __name__: 'weird_values', job: 'lab', quote: 'say "hi"\\n', emoji: '🔥 ünïcødé', empty_ish: ' ' },
        {
          samples: [
            { value: Number.NaN, timestamp: T, stale: false },
            { value: Number.POSITIVE_INFINITY, timestamp: T + 1, stale: false },
            { value: Number.NEGATIVE_INFINITY, timestamp: T + 2, stale: false },
            { value: -0, timestamp: T + 3, stale: false },
            { value: 0, timestamp: 0, stale: false },
            { value: Number.MIN_VALUE, timestamp: 1, stale: false },
          ],
        },
      ),
      series(
        { __name__: 'lambda_duration_seconds', job: 'lambda', function: 'checkout' },
        {
          histograms: [
            histogram({
              kind: 'int',
              count: 19,
              sum: 4.25,
              schema: 3,
              zeroThreshold: 2 ** -128,
              zeroCount: 2,
              negativeSpans: [{ offset: 0, length: 1 }],
              negativeDeltas: [1],
              positiveSpans: [
                { offset: -2, length: 2 },
                { offset: 3, length: 2 },
              ],
              positiveDeltas: [3, 2, -4, 10],
              resetHint: 2,
              timestamp: T,
            }),
            histogram({
              kind: 'float',
              count: 7,
              sum: 1.5,
              schema: -1,
              zeroCount: 1,
              positiveSpans: [{ offset: 1, length: 3 }],
              positiveCounts: [1, 2, 3],
              resetHint: 3,
              timestamp: T + 1,
            }),
            histogram({ count: 0, sum: Number.NaN, stale: true, timestamp: T + 2 }),
          ],
        },
      ),
    ],
    metadata: [
      { type: 1, metricFamilyName: 'http_requests_total', help: 'Requests served.', unit: '' },
      { type: 3, metricFamilyName: 'lambda_duration_seconds', help: 'Invocation time.', unit: 'seconds' },
      { type: 0, metricFamilyName: 'weird_values', help: '', unit: '' },
    ],
  };
}
