import { SpanKind } from '@opentelemetry/api';
import { addToCarrier, type Carrier, isRecord } from '../carrier.js';
import { PAYLOAD_FIELD, TRACEPARENT } from '../fields.js';
import type { LambdaContextLike } from '../types.js';
import type { SourceMatch } from './source-match.js';

/**
 * A direct `Invoke`: synchronous invokes carry the caller's context in the ClientContext's `custom`
 * map (which Lambda hands over only for `RequestResponse`), async ones in the payload's `_firefly`
 * object, both written by `fireflyPropagationMiddleware`.
 */
export function matchLambdaInvoke(
  event: unknown,
  lambdaContext: LambdaContextLike | undefined,
): SourceMatch | undefined {
  const carrier = payloadCarrier(event) ?? clientContextCarrier(lambdaContext);
  if (carrier === undefined) return undefined;
  return { source: 'lambda-invoke', trigger: 'other', spanKind: SpanKind.SERVER, attributes: {}, carrier };
}

/** `event._firefly` when it holds a `traceparent`. */
export function payloadCarrier(payload: unknown): Carrier | undefined {
  if (!isRecord(payload)) return undefined;
  return carrierWithTraceparent(payload[PAYLOAD_FIELD]);
}

export function clientContextCarrier(lambdaContext: LambdaContextLike | undefined): Carrier | undefined {
  if (!isRecord(lambdaContext)) return undefined;
  const clientContext = lambdaContext.clientContext;
  if (!isRecord(clientContext)) return undefined;
  // The runtime passes the caller's JSON through: `custom` as AWS documents it, but some callers
  // (and @types/aws-lambda) spell it `Custom`.
  return carrierWithTraceparent(clientContext.custom) ?? carrierWithTraceparent(clientContext.Custom);
}

function carrierWithTraceparent(source: unknown): Carrier | undefined {
  const carrier: Carrier = {};
  addToCarrier(carrier, source);
  return carrier[TRACEPARENT] === undefined ? undefined : carrier;
}
