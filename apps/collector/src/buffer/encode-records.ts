import type { MetricPoint, Span } from '@firefly/model';
import { encodeMetricsProtobuf, encodeTracesProtobuf } from '@firefly/otlp-codec';

/** One Kafka record on its way to a signal's topic. */
export interface OutgoingRecord {
  /** Trace id (traces) or metric name (metrics): one key always lands on one partition. */
  readonly key: string;
  /** An OTLP export request in protobuf, whatever receiver the items came from. */
  readonly value: Buffer;
  /** Spans or points inside. */
  readonly items: number;
}

/**
 * One record per trace, keyed by its id, so every span of a trace is on one partition and in
 * order there; a trace too large for one record is split into several with the same key.
 */
export function traceRecords(spans: readonly Span[], maxRecordBytes: number): OutgoingRecord[] {
  return keyedRecords(spans, (span) => span.traceId, encodeTracesProtobuf, maxRecordBytes);
}

/** Records keyed by metric name: a metric's points stay on one partition, in order. */
export function metricRecords(points: readonly MetricPoint[], maxRecordBytes: number): OutgoingRecord[] {
  return keyedRecords(points, (point) => point.metric.name, encodeMetricsProtobuf, maxRecordBytes);
}

function keyedRecords<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  encode: (items: readonly T[]) => Uint8Array,
  maxRecordBytes: number,
): OutgoingRecord[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  const records: OutgoingRecord[] = [];
  for (const [key, group] of groups) split(key, group, encode, maxRecordBytes, records);
  return records;
}

/**
 * Encodes `items` as one record, or, when that is over the limit, as about as many even parts as
 * the size calls for, each checked again. A single item over the limit still makes one record:
 * whether Kafka takes it is up to the broker's `message.max.bytes`.
 */
function split<T>(
  key: string,
  items: readonly T[],
  encode: (items: readonly T[]) => Uint8Array,
  maxRecordBytes: number,
  into: OutgoingRecord[],
): void {
  const encoded = encode(items);
  if (encoded.byteLength <= maxRecordBytes || items.length === 1) {
    into.push({ key, value: asBuffer(encoded), items: items.length });
    return;
  }
  const parts = Math.min(items.length, Math.ceil(encoded.byteLength / maxRecordBytes) + 1);
  const size = Math.ceil(items.length / parts);
  for (let start = 0; start < items.length; start += size) {
    split(key, items.slice(start, start + size), encode, maxRecordBytes, into);
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
