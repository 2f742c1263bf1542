import type { ExponentialBuckets } from '@firefly/model';
import type { BucketSpan, Histogram } from '../write-request.js';

/** Native histogram schemas with exponential buckets; others (custom buckets) have no OTLP twin. */
export const MIN_SCHEMA = -4;
export const MAX_SCHEMA = 8;

const INT32_MIN = -(2 ** 31);

/**
 * Remote write sends only populated buckets, as spans; the model (like OTLP) keeps them dense from
 * an offset. Gaps between spans become zeros, so a request could ask for huge arrays with a few
 * bytes: the zeros one decode may add are limited by this budget.
 */
export interface FillBudget {
  remaining: number;
}

export type BucketsResult = { buckets: ExponentialBuckets } | { problem: string };

/**
 * Dense OTLP buckets from Prometheus spans plus deltas (integer histograms) or absolute counts
 * (float histograms). Prometheus bucket i covers (base^(i-1), base^i]; OTLP bucket i covers
 * (base^i, base^(i+1)], hence the offset is one less.
 */
export function denseBuckets(
  h: Histogram,
  spans: readonly BucketSpan[],
  deltas: readonly number[],
  counts: readonly number[],
  side: 'positive' | 'negative',
  budget: FillBudget,
): BucketsResult {
  const values = h.kind === 'int' ? deltas : counts;
  const populated = spans.reduce((total, span) => total + span.length, 0);
  if (populated !== values.length) {
    const what = h.kind === 'int' ? 'deltas' : 'counts';
    return { problem: `${side} spans hold ${populated} buckets but ${values.length} ${what} were sent` };
  }
  if (spans.length === 0) return { buckets: { offset: 0, bucketCounts: [] } };
  if ((spans[0] as BucketSpan).offset - 1 < INT32_MIN) {
    return {
      problem: `${side} spans start at bucket ${(spans[0] as BucketSpan).offset}, below OTLP's int32 offsets`,
    };
  }
  const width = spans.reduce((total, span, i) => total + span.length + (i > 0 ? span.offset : 0), 0);
  if (spans.slice(1).some((span) => span.offset < 0)) {
    return { problem: `${side} spans overlap (a span after the first has a negative offset)` };
  }
  const zeros = width - populated;
  if (zeros > budget.remaining) {
    return {
      problem: `${side} spans leave ${zeros} empty buckets between them, more than this request may fill`,
    };
  }
  budget.remaining -= zeros;
  return fill(h.kind, spans, values, side);
}

function fill(
  kind: Histogram['kind'],
  spans: readonly BucketSpan[],
  values: readonly number[],
  side: string,
): BucketsResult {
  const bucketCounts: bigint[] = [];
  let next = 0;
  let count = 0;
  for (let s = 0; s < spans.length; s++) {
    const span = spans[s] as BucketSpan;
    if (s > 0) for (let gap = 0; gap < span.offset; gap++) bucketCounts.push(0n);
    for (let i = 0; i < span.length; i++) {
      const value = values[next++] as number;
      count = kind === 'int' ? count + value : value;
      if (count < 0 || !Number.isInteger(count)) {
        return {
          problem: `${side} bucket ${bucketCounts.length} has count ${count}, not a whole number ≥ 0`,
        };
      }
      bucketCounts.push(BigInt(count));
    }
  }
  return { buckets: { offset: (spans[0] as BucketSpan).offset - 1, bucketCounts } };
}

/** Spans and deltas for dense OTLP buckets: one span per run of non-zero buckets. */
export function sparseBuckets(buckets: ExponentialBuckets): { spans: BucketSpan[]; deltas: number[] } {
  const spans: BucketSpan[] = [];
  const deltas: number[] = [];
  let previousCount = 0;
  let previousEnd: number | undefined;
  buckets.bucketCounts.forEach((raw, i) => {
    if (raw === 0n) return;
    const index = buckets.offset + i + 1;
    const count = Number(raw);
    const last = spans[spans.length - 1];
    if (last !== undefined && previousEnd === index) {
      last.length += 1;
    } else {
      spans.push({ offset: previousEnd === undefined ? index : index - previousEnd, length: 1 });
    }
    previousEnd = index + 1;
    deltas.push(count - previousCount);
    previousCount = count;
  });
  return { spans, deltas };
}

/**
 * The same buckets at a scale `by` lower: each bucket of the coarser scale is the sum of 2^by finer
 * ones (OTLP index i becomes i >> by), exact because bucket boundaries nest. Native histograms stop
 * at schema 8 while OTLP allows finer scales.
 */
export function downscale(buckets: ExponentialBuckets, by: number): ExponentialBuckets {
  if (by === 0 || buckets.bucketCounts.length === 0) return buckets;
  const offset = buckets.offset >> by;
  const bucketCounts: bigint[] = [];
  buckets.bucketCounts.forEach((count, i) => {
    const index = ((buckets.offset + i) >> by) - offset;
    bucketCounts[index] = (bucketCounts[index] ?? 0n) + count;
  });
  return { offset, bucketCounts: Array.from(bucketCounts, (count) => count ?? 0n) };
}
