import { isUtf8 } from 'node:buffer';
import { createAttributes, Rejections, type SummaryPoint, setAttribute } from '@firefly/model';
import { METRIC_STREAM_PERIOD_NANOS, ModelCache } from './builder.js';
import { describe, isObject, readStatisticValues } from './statistics.js';
import type { DecodedMetricStream } from './types.js';
import { ucumUnit } from './units.js';

/**
 * Decodes one Firehose record of a metric stream in JSON output format: newline-delimited JSON
 * objects, one data point each. A line that is not a valid data point is skipped and counted; the
 * other lines are kept.
 */
export function decodeMetricStreamJson(record: Uint8Array): DecodedMetricStream {
  const points: SummaryPoint[] = [];
  const rejections = new Rejections();
  readJsonRecord(record, '', new ModelCache(), points, rejections);
  return { points, rejected: rejections.count, errorMessage: rejections.message };
}

export function readJsonRecord(
  record: Uint8Array,
  where: string,
  cache: ModelCache,
  points: SummaryPoint[],
  rejections: Rejections,
): void {
  const lines = splitLines(record);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line === null) {
      rejections.add(`${where}line ${i + 1}: not valid UTF-8`);
      continue;
    }
    if (line === undefined || isBlank(line)) continue;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    let datum: unknown;
    try {
      datum = JSON.parse(line);
    } catch (error) {
      rejections.add(`${where}line ${i + 1}: not JSON (${(error as Error).message})`);
      continue;
    }
    const point = toSummaryPoint(datum, cache);
    if (typeof point === 'string') rejections.add(`${where}line ${i + 1}: ${point}`);
    else points.push(point);
  }
}

/** The record's lines; `null` for a line that is not valid UTF-8 (the others are still read). */
function splitLines(record: Uint8Array): (string | null)[] {
  const buffer = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (isUtf8(buffer)) return buffer.toString('utf8').split('\n');
  const lines: (string | null)[] = [];
  let start = 0;
  while (start <= buffer.length) {
    let end = buffer.indexOf(10, start);
    if (end === -1) end = buffer.length;
    const bytes = buffer.subarray(start, end);
    lines.push(isUtf8(bytes) ? bytes.toString('utf8') : null);
    start = end + 1;
  }
  return lines;
}

function isBlank(line: string): boolean {
  // Data lines start with '{'; only look further when they do not.
  return line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '');
}

const STRING_FIELDS = ['metric_stream_name', 'account_id', 'region', 'namespace', 'metric_name'] as const;

function toSummaryPoint(datum: unknown, cache: ModelCache): SummaryPoint | string {
  if (!isObject(datum)) return `not a JSON object, got ${describe(datum)}`;
  for (const field of STRING_FIELDS) {
    const value = datum[field];
    if (typeof value !== 'string' || value === '')
      return `"${field}" must be a non-empty string, got ${describe(value)}`;
  }
  const timestamp = datum.timestamp;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0)
    return `"timestamp" must be a non-negative integer (epoch milliseconds), got ${describe(timestamp)}`;
  const unit = datum.unit;
  if (typeof unit !== 'string') return `"unit" must be a string, got ${describe(unit)}`;
  const attributes = createAttributes();
  const dimensions = datum.dimensions;
  if (dimensions !== undefined) {
    if (!isObject(dimensions)) return `"dimensions" must be an object, got ${describe(dimensions)}`;
    for (const name in dimensions) {
      const value = dimensions[name];
      if (typeof value !== 'string') return `"dimensions.${name}" must be a string, got ${describe(value)}`;
      setAttribute(attributes, name, value);
    }
  }
  const values = readStatisticValues(datum.value);
  if (typeof values === 'string') return values;
  const fields = datum as Record<(typeof STRING_FIELDS)[number], string>;
  const resource = cache.jsonResource(fields.account_id, fields.region, fields.metric_stream_name);
  const metric = cache.metric(
    resource,
    cache.scope('', ''),
    fields.namespace,
    fields.metric_name,
    ucumUnit(unit),
  );
  // CloudWatch stamps aggregated statistics with the start of their period.
  const startTimeUnixNano = BigInt(timestamp) * 1_000_000n;
  return {
    metric,
    attributes,
    startTimeUnixNano,
    timeUnixNano: startTimeUnixNano + METRIC_STREAM_PERIOD_NANOS,
    flags: 0,
    type: 'summary',
    count: values.count,
    sum: values.sum,
    quantiles: values.quantiles,
    statistics: values.statistics,
  };
}
