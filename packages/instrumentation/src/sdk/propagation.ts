import { type ExtractedContext, extractContext } from '@firefly/propagation';
import { type Context, propagation, ROOT_CONTEXT, type TextMapPropagator } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { PropagatorName, XrayMode } from '../config/options.js';
import { log } from '../log.js';

/**
 * The global propagator outgoing calls inject with. Firefly never injects X-Ray headers (Lambda
 * and the AWS SDK do when active tracing is on), so `xray` only changes extraction.
 */
export function globalPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators: TextMapPropagator[] = [];
  if (names.includes('tracecontext')) propagators.push(new W3CTraceContextPropagator());
  if (names.includes('baggage')) propagators.push(new W3CBaggagePropagator());
  if (names.includes('xray') || names.includes('xray-lambda'))
    log.debug('OTEL_PROPAGATORS: xray changes how X-Ray headers are extracted; none are injected');
  return new CompositePropagator({ propagators });
}

/**
 * Extraction per the propagator list: `@firefly/propagation` finds the parent and links (a W3C
 * traceparent always wins); `none` starts every invocation as a new trace without links, and
 * baggage is dropped unless `baggage` is listed. Trigger attributes are kept in every case.
 */
export function extractInvocation(
  event: unknown,
  lambdaContext: Parameters<typeof extractContext>[1],
  names: readonly PropagatorName[],
  xray: XrayMode,
): ExtractedContext {
  const extracted = extractContext(event, lambdaContext, { xray });
  if (names.includes('none')) return { ...extracted, parent: ROOT_CONTEXT, links: [] };
  if (!names.includes('baggage')) return { ...extracted, parent: withoutBaggage(extracted.parent) };
  return extracted;
}

function withoutBaggage(context: Context): Context {
  return propagation.getBaggage(context) === undefined ? context : propagation.deleteBaggage(context);
}
