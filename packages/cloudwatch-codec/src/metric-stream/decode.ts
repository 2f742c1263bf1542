import type { SummaryPoint } from '@firefly/model';
import { Rejections } from '@firefly/model';
import { ModelCache } from './builder.js';
import { readJsonRecord } from './json.js';
import { readOtelRecord } from './opentelemetry.js';
import type { DecodedMetricStream, MetricStreamFormat } from './types.js';

/**
 * Decodes the records of one Firehose delivery (or one transformation event) of a metric stream in
 * either output format. Both formats yield the same points for the same data; resources and metrics
 * are shared across the records. Rejection reasons name the record by its index: `records[3] line 7`.
 */
export function decodeMetricStream(
  records: readonly Uint8Array[],
  format: MetricStreamFormat,
): DecodedMetricStream {
  const read = Object.hasOwn(READERS, format) ? READERS[format] : undefined;
  if (read === undefined) throw new TypeError(`unknown metric stream format ${JSON.stringify(format)}`);
  const cache = new ModelCache();
  const points: SummaryPoint[] = [];
  const rejections = new Rejections();
  for (let i = 0; i < records.length; i++) {
    read(records[i] as Uint8Array, `records[${i}] `, cache, points, rejections);
  }
  return { points, rejected: rejections.count, errorMessage: rejections.message };
}

const READERS: Readonly<Record<MetricStreamFormat, typeof readJsonRecord>> = {
  json: readJsonRecord,
  'opentelemetry1.0': readOtelRecord,
};
