import { type MetricMetadata, MetricType } from '../write-request.js';

/** What a classic (float) sample becomes in the model. */
export type SampleKind = { type: 'gauge' } | { type: 'sum'; monotonic: boolean };

export interface Classified {
  kind: SampleKind;
  /** The metadata of the series' family, when known. */
  metadata: MetricMetadata | undefined;
}

const GAUGE: SampleKind = { type: 'gauge' };
const COUNTER: SampleKind = { type: 'sum', monotonic: true };
// A histogram's or summary's `_sum` only grows while observations are non-negative.
const CUMULATIVE_SUM: SampleKind = { type: 'sum', monotonic: false };

// Series suffixes of the classic composite types and of OpenMetrics counters and infos.
const SUFFIXES = ['_bucket', '_created', '_gcount', '_count', '_total', '_gsum', '_info', '_sum'];

export type MetadataLookup = (family: string) => MetricMetadata | undefined;

/**
 * The model type of a series named `name`. With metadata for its family (the request's own or
 * an earlier request's), the family's type decides; without it, the name's suffix does:
 * `_total`, `_bucket` and `_count` are monotonic cumulative sums, `_sum` a cumulative sum, anything
 * else a gauge. See the README for the whole table.
 */
export function classify(name: string, lookup: MetadataLookup): Classified {
  const exact = lookup(name);
  if (exact !== undefined && exact.type !== MetricType.UNKNOWN) {
    return { kind: byType(exact.type, ''), metadata: exact };
  }
  for (const suffix of SUFFIXES) {
    if (!name.endsWith(suffix)) continue;
    const family = lookup(name.slice(0, -suffix.length));
    if (family !== undefined && family.type !== MetricType.UNKNOWN) {
      return { kind: byType(family.type, suffix), metadata: family };
    }
  }
  return { kind: bySuffix(name), metadata: exact };
}

function byType(type: number, suffix: string): SampleKind {
  switch (type) {
    case MetricType.COUNTER:
      return suffix === '_created' ? GAUGE : COUNTER;
    case MetricType.HISTOGRAM:
    case MetricType.SUMMARY:
      if (suffix === '_bucket' || suffix === '_count') return COUNTER;
      return suffix === '_sum' ? CUMULATIVE_SUM : GAUGE;
    default:
      // GAUGE, GAUGEHISTOGRAM (its buckets go up and down), INFO, STATESET.
      return GAUGE;
  }
}

function bySuffix(name: string): SampleKind {
  if (name.endsWith('_total') || name.endsWith('_bucket') || name.endsWith('_count')) return COUNTER;
  return name.endsWith('_sum') ? CUMULATIVE_SUM : GAUGE;
}
