import { type Context, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { type Carrier, carrierGetter, carrierSetter } from './carrier.js';

// Our own instances, not the global propagator: the wire format must not depend on what the
// application registered (a global X-Ray or B3 propagator would change what we write and read).
const traceContext = new W3CTraceContextPropagator();
const baggage = new W3CBaggagePropagator();

export interface W3CExtraction {
  /** ROOT_CONTEXT with the carrier's baggage and, when valid, its remote span context. */
  context: Context;
  spanContext: SpanContext | undefined;
}

export function extractW3C(carrier: Carrier | undefined, base: Context = ROOT_CONTEXT): W3CExtraction {
  if (carrier === undefined) return { context: base, spanContext: undefined };
  const withBaggage = baggage.extract(base, carrier, carrierGetter);
  const withSpan = traceContext.extract(withBaggage, carrier, carrierGetter);
  const spanContext = trace.getSpanContext(withSpan);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext)
    ? { context: withSpan, spanContext }
    : { context: withBaggage, spanContext: undefined };
}

/** `traceparent`, `tracestate` and `baggage` of `context`, as the W3C propagators write them. */
export function injectW3C(context: Context): Record<string, string> {
  const carrier: Record<string, string> = {};
  traceContext.inject(context, carrier, carrierSetter);
  if (carrier.traceparent !== undefined) baggage.inject(context, carrier, carrierSetter);
  return carrier;
}
