import { type Context, context } from '@opentelemetry/api';
import { DYNAMODB_TRACEPARENT_ATTRIBUTE, DYNAMODB_TRACESTATE_ATTRIBUTE } from '../fields.js';
import { injectW3C } from '../w3c.js';

/**
 * Item attributes (DynamoDB `AttributeValue`s, type S) carrying `context`'s trace, for the stream
 * consumer's `extractContext`: spread them into the `Item` of a PutItem (or set them in an
 * UpdateItem) on every write, or the stream shows the context of an older write. Empty without a
 * valid span context. Baggage is not written: it would be stored with the item.
 */
export function dynamoDbTraceAttributes(from: Context = context.active()): Record<string, { S: string }> {
  const carrier = injectW3C(from);
  if (carrier.traceparent === undefined) return {};
  const attributes: Record<string, { S: string }> = {
    [DYNAMODB_TRACEPARENT_ATTRIBUTE]: { S: carrier.traceparent },
  };
  if (carrier.tracestate !== undefined) attributes[DYNAMODB_TRACESTATE_ATTRIBUTE] = { S: carrier.tracestate };
  return attributes;
}
