// Field numbers and wire types of prompb/remote.proto and prompb/types.proto (remote write 1.0,
// with native histograms), the only schema knowledge the decoder and encoder share.

export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

export const WriteRequestField = { timeseries: 1, metadata: 3 } as const;
export const TimeSeriesField = { labels: 1, samples: 2, exemplars: 3, histograms: 4 } as const;
export const LabelField = { name: 1, value: 2 } as const;
export const SampleField = { value: 1, timestamp: 2 } as const;
export const ExemplarField = { labels: 1, value: 2, timestamp: 3 } as const;
export const BucketSpanField = { offset: 1, length: 2 } as const;
export const MetadataField = { type: 1, metricFamilyName: 2, help: 4, unit: 5 } as const;
export const HistogramField = {
  countInt: 1,
  countFloat: 2,
  sum: 3,
  schema: 4,
  zeroThreshold: 5,
  zeroCountInt: 6,
  zeroCountFloat: 7,
  negativeSpans: 8,
  negativeDeltas: 9,
  negativeCounts: 10,
  positiveSpans: 11,
  positiveDeltas: 12,
  positiveCounts: 13,
  resetHint: 14,
  timestamp: 15,
} as const;

export function tagOf(field: number, wireType: number): number {
  return (field << 3) | wireType;
}
