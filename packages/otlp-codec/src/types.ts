import type { MetricPoint, Span } from '@firefly/model';

/** A decoded trace export request. Invalid spans are counted, not returned. */
export interface DecodedTraces {
  spans: Span[];
  /** Spans left out because they were invalid (e.g. a trace id that is not 16 bytes). */
  rejectedSpans: number;
  /** Why, for the partial success response; '' when nothing was rejected. */
  errorMessage: string;
}

/** A decoded metrics export request. Invalid data points are counted, not returned. */
export interface DecodedMetrics {
  points: MetricPoint[];
  rejectedDataPoints: number;
  errorMessage: string;
}

/** The body of an OTLP export response. */
export interface ExportResponse {
  /** Items the receiver rejected; 0 with an empty message means full success. */
  rejected: number;
  errorMessage: string;
}
