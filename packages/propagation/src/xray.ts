import { ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { carrierGetter } from './carrier.js';
import { XRAY_HEADER } from './fields.js';

const xray = new AWSXRayPropagator();

/** The span context of an X-Ray trace header (`Root=1-…;Parent=…;Sampled=…`), if valid. */
export function parseXRay(header: string | undefined): SpanContext | undefined {
  if (header === undefined || header === '') return undefined;
  const extracted = xray.extract(ROOT_CONTEXT, { [XRAY_HEADER]: header }, carrierGetter);
  const spanContext = trace.getSpanContext(extracted);
  return spanContext !== undefined && trace.isSpanContextValid(spanContext) ? spanContext : undefined;
}
