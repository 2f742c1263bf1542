import { ROOT_CONTEXT, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';

/** A sender's span context, as if a PRODUCER span were active around `send()`. */
export const SENDER: SpanContext = {
  traceId: 'a3ce929d0e0e47364bf92f3577b34da6',
  spanId: '53995c3f42cd8ad8',
  traceFlags: TraceFlags.SAMPLED,
};
export const SENDER_TRACEPARENT = `00-${SENDER.traceId}-${SENDER.spanId}-01`;

export const senderContext = () => trace.setSpanContext(ROOT_CONTEXT, SENDER);
