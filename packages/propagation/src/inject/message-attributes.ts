import { isRecord } from '../carrier.js';
import { fitCarrier } from './carrier-fit.js';
import { staysWithin } from './json-payload.js';
import { MAX_MESSAGE_ATTRIBUTES, MAX_MESSAGE_BYTES } from './limits.js';

type Message = Record<string, unknown>;
/** Which field holds the body: `MessageBody` (SQS) or `Message` (SNS). */
export type BodyField = 'MessageBody' | 'Message';

const STRING = 'String';

/**
 * `message` (a send or publish input, or one entry of a batch) with the carrier's entries as
 * String message attributes — the shape SQS and SNS share: `{ DataType, StringValue }` — and how
 * many bytes that added. Replaces our keys in any spelling. Attributes count towards the message
 * size, so what is added must keep within 10 attributes and 256 KiB of body and attributes, and
 * satisfy `fitsBatch` (the batch's total): baggage goes first, then tracestate. Undefined when not
 * even traceparent fits: the message then goes unchanged.
 */
export function withTraceAttributes(
  message: Message,
  body: BodyField,
  carrier: Record<string, string>,
  fitsBatch: (growth: number) => boolean = () => true,
): { message: Message; growth: number } | undefined {
  const attributes = message.MessageAttributes;
  if (attributes !== undefined && !isRecord(attributes)) return undefined;
  const ours = new Set(Object.keys(carrier));
  const kept = Object.fromEntries(
    Object.entries(attributes ?? {}).filter(([key]) => !ours.has(key.toLowerCase())),
  );
  const room = MAX_MESSAGE_ATTRIBUTES - Object.keys(kept).length;
  const before = messageSize(message[body], attributes);
  const base = messageSize(message[body], kept);
  const sizeWith = (candidate: Record<string, string>) => base + carrierSize(candidate);
  const fitted = fitCarrier(
    carrier,
    (candidate) =>
      Object.keys(candidate).length <= room &&
      staysWithin(MAX_MESSAGE_BYTES, before, sizeWith(candidate)) &&
      fitsBatch(sizeWith(candidate) - before),
  );
  if (fitted === undefined) return undefined;
  for (const [key, value] of Object.entries(fitted)) kept[key] = { DataType: STRING, StringValue: value };
  return { message: { ...message, MessageAttributes: kept }, growth: sizeWith(fitted) - before };
}

/**
 * `entries` with each entry's `MessageAttributes` injected; entries that cannot take it go
 * unchanged. The batch as a whole is limited to 256 KiB too: entries are injected in order while
 * the total stays within it.
 */
export function injectEntries(
  entries: unknown,
  body: BodyField,
  carrier: Record<string, string>,
): unknown[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const before = entries.reduce<number>(
    (total, entry) => total + (isRecord(entry) ? messageSize(entry[body], entry.MessageAttributes) : 0),
    0,
  );
  let total = before;
  return entries.map((entry: unknown) => {
    if (!isRecord(entry)) return entry;
    const fitsBatch = (growth: number) => staysWithin(MAX_MESSAGE_BYTES, before, total + growth);
    const injected = withTraceAttributes(entry, body, carrier, fitsBatch);
    if (injected === undefined) return entry;
    total += injected.growth;
    return injected.message;
  });
}

/**
 * How SQS and SNS size a message: the body's UTF-8 bytes, plus each attribute's name, data type
 * and value.
 */
function messageSize(body: unknown, attributes: unknown): number {
  let size = typeof body === 'string' ? Buffer.byteLength(body) : 0;
  if (!isRecord(attributes)) return size;
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name);
    if (!isRecord(attribute)) continue;
    for (const field of [attribute.DataType, attribute.StringValue, attribute.BinaryValue]) {
      if (typeof field === 'string') size += Buffer.byteLength(field);
      else if (field instanceof Uint8Array) size += field.byteLength;
    }
  }
  return size;
}

function carrierSize(carrier: Record<string, string>): number {
  let size = 0;
  for (const [key, value] of Object.entries(carrier))
    size += Buffer.byteLength(key) + STRING.length + Buffer.byteLength(value);
  return size;
}
