import type { Attributes, SpanKind } from '@opentelemetry/api';
import type { Carrier } from '../carrier.js';
import type { EventSource, FaasTrigger } from '../types.js';

/** The context one record (message, stream record) of a batch carries. */
export interface RecordCarrier {
  carrier: Carrier | undefined;
  /** The record's X-Ray header (SQS `AWSTraceHeader`). */
  xray: string | undefined;
  /** Put on the record's link (`messaging.message.id`). */
  linkAttributes: Attributes;
}

/** What a source family recognized in an event, before the precedence rules are applied. */
export interface SourceMatch {
  source: EventSource;
  trigger: FaasTrigger;
  spanKind: SpanKind;
  attributes: Attributes;
  /** The invocation's own W3C carrier (HTTP headers, an invoke payload field…). */
  carrier?: Carrier | undefined;
  /** Records of a batch; one record stands for the invocation, several become links. */
  records?: RecordCarrier[];
  /** X-Ray headers the event itself carries (`X-Amzn-Trace-Id`). */
  xray?: string[];
}
