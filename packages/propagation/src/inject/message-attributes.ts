import { isRecord } from '../carrier.js';
import { fitCarrier } from './carrier-fit.js';
import { MAX_MESSAGE_ATTRIBUTES } from './limits.js';

type MessageAttributes = Record<string, unknown>;

/**
 * `attributes` with the carrier's entries as String attributes (the shape SQS and SNS share:
 * `{ DataType, StringValue }`). Replaces our keys in any spelling; within the 10-attribute limit
 * drops baggage, then tracestate; returns undefined when not even traceparent fits.
 */
export function withTraceAttributes(
  attributes: unknown,
  carrier: Record<string, string>,
): MessageAttributes | undefined {
  if (attributes !== undefined && !isRecord(attributes)) return undefined;
  const ours = new Set(Object.keys(carrier));
  const kept = Object.fromEntries(
    Object.entries(attributes ?? {}).filter(([key]) => !ours.has(key.toLowerCase())),
  );
  const room = MAX_MESSAGE_ATTRIBUTES - Object.keys(kept).length;
  const fitted = fitCarrier(carrier, (candidate) => Object.keys(candidate).length <= room);
  if (fitted === undefined) return undefined;
  for (const [key, value] of Object.entries(fitted)) kept[key] = { DataType: 'String', StringValue: value };
  return kept;
}

/** `entries` with each entry's `MessageAttributes` injected; entries that cannot take it unchanged. */
export function injectEntries(entries: unknown, carrier: Record<string, string>): unknown[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  return entries.map((entry: unknown) => {
    if (!isRecord(entry)) return entry;
    const attributes = withTraceAttributes(entry.MessageAttributes, carrier);
    return attributes === undefined ? entry : { ...entry, MessageAttributes: attributes };
  });
}
