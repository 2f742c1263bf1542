import type { Attributes } from './attributes.js';
import type { InstrumentationScope, Resource } from './resource.js';

/** OTLP `Span.SpanKind` values. Unknown values from the wire are kept as numbers. */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

/** OTLP `Status.StatusCode` values. */
export const StatusCode = {
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const;

export interface SpanStatus {
  code: number;
  message: string;
}

export interface SpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface SpanLink {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  /** W3C trace flags in bits 0-7, OTLP "is remote" bits 8-9. */
  flags: number;
}

/** One span, flattened: its resource and scope are shared references, not copies. */
export interface Span {
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
  /** 32 lowercase hex digits. */
  traceId: string;
  /** 16 lowercase hex digits. */
  spanId: string;
  /** 16 lowercase hex digits, or '' for a root span. */
  parentSpanId: string;
  /** W3C tracestate header value. */
  traceState: string;
  /** W3C trace flags in bits 0-7, OTLP "is remote" bits 8-9. */
  flags: number;
  name: string;
  /** A {@link SpanKind} value. */
  kind: number;
  /** Nanoseconds since the Unix epoch, exact. */
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: SpanEvent[];
  droppedEventsCount: number;
  links: SpanLink[];
  droppedLinksCount: number;
  status: SpanStatus;
}
