import {
  type Attributes,
  attributeType,
  createAttributes,
  type Metric,
  type MetricPoint,
  Rejections,
  type SummaryPoint,
  setAttribute,
  stringAttribute,
} from '@firefly/model';
import { decodeMetricsProtobuf, OtlpDecodeError } from '@firefly/otlp-codec';
import { copyInto, ModelCache } from './builder.js';
import type { DecodedMetricStream } from './types.js';

/**
 * Decodes one Firehose record of a metric stream in OpenTelemetry 1.0.0 output format: one or more
 * `ExportMetricsServiceRequest` messages, each preceded by its length as an unsigned varint32.
 *
 * A message that does not decode is skipped and counted, and decoding goes on with the next one:
 * its length prefix says where that starts. A data point that is not a CloudWatch summary is
 * skipped and counted. When a length prefix itself is broken (not a varint32, or longer than what
 * is left of the record), nothing after it can be found: the rest of the record counts as one
 * rejected message and the messages before it are kept.
 */
export function decodeMetricStreamOtel(record: Uint8Array): DecodedMetricStream {
  const points: SummaryPoint[] = [];
  const rejections = new Rejections();
  readOtelRecord(record, '', new ModelCache(), points, rejections);
  return { points, rejected: rejections.count, errorMessage: rejections.message };
}

export function readOtelRecord(
  record: Uint8Array,
  where: string,
  cache: ModelCache,
  points: SummaryPoint[],
  rejections: Rejections,
): void {
  let pos = 0;
  for (let index = 1; pos < record.length; index++) {
    const prefix = readVarint32(record, pos);
    if (prefix === undefined) {
      rejections.add(
        `${where}message ${index}: the length prefix at byte ${pos} is not a varint32; the last ${record.length - pos} bytes of the record are skipped`,
      );
      return;
    }
    const { value: length, next: start } = prefix;
    const end = start + length;
    if (end > record.length) {
      rejections.add(
        `${where}message ${index}: declares ${length} bytes but only ${record.length - start} are left in the record; skipped`,
      );
      return;
    }
    pos = end;
    let decoded: ReturnType<typeof decodeMetricsProtobuf>;
    try {
      decoded = decodeMetricsProtobuf(record.subarray(start, end));
    } catch (error) {
      if (!(error instanceof OtlpDecodeError)) throw error;
      rejections.add(`${where}message ${index}: ${error.message}`);
      continue;
    }
    if (decoded.rejectedDataPoints > 0)
      rejections.add(`${where}message ${index}: ${decoded.errorMessage}`, decoded.rejectedDataPoints);
    for (const point of decoded.points) {
      const summary = toSummaryPoint(point, cache);
      if (typeof summary === 'string') rejections.add(`${where}message ${index}: ${summary}`);
      else points.push(summary);
    }
  }
}

/**
 * An unsigned varint32 at `pos` and the position after it, or undefined if it is truncated or
 * longer than 5 bytes / 32 bits. The position is where the bytes ended, not what the value's
 * shortest encoding would take: a writer may pad a varint (`0x80 0x00` is 0).
 */
function readVarint32(bytes: Uint8Array, pos: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const byte = bytes[pos + i];
    if (byte === undefined) return undefined;
    if (i === 4 && byte > 0x0f) return undefined;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if (byte < 0x80) return { value, next: pos + i + 1 };
  }
  return undefined;
}

const AWS_KEYS = new Set(['Namespace', 'MetricName', 'Dimensions']);

function toSummaryPoint(point: MetricPoint, cache: ModelCache): SummaryPoint | string {
  const name = point.metric.name;
  if (point.type !== 'summary')
    return `metric "${name}" has a ${point.type} point; CloudWatch metric streams send only summaries`;
  const namespace = stringAttribute(point.attributes, 'Namespace');
  const metricName = stringAttribute(point.attributes, 'MetricName');
  if (!namespace || !metricName)
    return `metric "${name}" has a data point without string Namespace and MetricName attributes (is the stream in opentelemetry0.7 format? only opentelemetry1.0 is supported)`;
  const dimensions = Object.hasOwn(point.attributes, 'Dimensions') ? point.attributes.Dimensions : undefined;
  if (dimensions !== undefined && attributeType(dimensions as Attributes[string]) !== 'kvlist')
    return `metric "${name}" has a data point whose Dimensions attribute is not a key-value list`;
  const resource = cache.otelResource(point.metric.resource);
  const scope = cache.otelScope(point.metric.scope);
  // The decoded point is fresh and ours: reuse it (and the Dimensions object) rather than copy.
  const summary = point as { metric: Metric } & SummaryPoint;
  summary.metric = cache.metric(resource, scope, namespace, metricName, point.metric.unit);
  summary.attributes = pointAttributes(point.attributes, dimensions as Attributes | undefined);
  if (!isSorted(summary.quantiles)) summary.quantiles.sort((a, b) => a.quantile - b.quantile);
  return summary;
}

/**
 * The Dimensions entries as attributes. Attributes AWS may add one day are kept alongside them; a
 * dimension of the same name wins.
 */
function pointAttributes(decoded: Attributes, dimensions: Attributes | undefined): Attributes {
  let extra = false;
  for (const key in decoded) {
    if (!AWS_KEYS.has(key)) extra = true;
  }
  if (!extra) return dimensions ?? createAttributes();
  const attributes = createAttributes();
  for (const key in decoded) {
    if (!AWS_KEYS.has(key)) setAttribute(attributes, key, decoded[key] as Attributes[string]);
  }
  if (dimensions !== undefined) copyInto(attributes, dimensions);
  return attributes;
}

function isSorted(quantiles: readonly { quantile: number }[]): boolean {
  for (let i = 1; i < quantiles.length; i++) {
    if ((quantiles[i - 1] as { quantile: number }).quantile > (quantiles[i] as { quantile: number }).quantile)
      return false;
  }
  return true;
}
