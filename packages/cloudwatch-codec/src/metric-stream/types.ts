import type { SummaryPoint } from '@firefly/model';

/** A metric stream's `OutputFormat`, spelled as the CloudWatch API spells it. */
export type MetricStreamFormat = 'json' | 'opentelemetry1.0';

/** Data points decoded from metric stream records. Invalid items are counted, not returned. */
export interface DecodedMetricStream {
  points: SummaryPoint[];
  /**
   * Items left out: JSON lines, OpenTelemetry data points, or OpenTelemetry messages that could
   * not be decoded at all (one each, whatever they held).
   */
  rejected: number;
  /** The first reasons, each naming the record, line or message; '' when nothing was rejected. */
  errorMessage: string;
}
