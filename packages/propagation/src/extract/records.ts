import {
  type Attributes,
  type Context,
  context,
  diag,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { ATTR_MESSAGING_MESSAGE_ID } from '../attributes.js';
import { isRecord, stringField } from '../carrier.js';
import { xrayMode } from '../env.js';
import type { ExtractedContext, ExtractOptions } from '../types.js';
import { dynamoDbAttributes, dynamoDbRecordCarrier, isDynamoDbRecord } from './dynamodb.js';
import { isKinesisRecord, kinesisAttributes, kinesisRecordCarrier } from './kinesis.js';
import { resolve } from './resolve.js';
import { isSnsRecord, snsAttributes, snsRecordCarrier } from './sns.js';
import type { SourceMatch } from './source-match.js';
import { isSqsRecord, sqsAttributes, sqsRecordCarrier } from './sqs.js';

/**
 * The context of one record of an SQS, SNS, Kinesis or DynamoDB event: its producer's context as the
 * parent, for a span that processes just this record. The record's X-Ray header (SQS
 * `AWSTraceHeader`) is a link by the usual rules; the invocation's own X-Ray header is not, it
 * belongs to the invocation span. Never throws; anything else is `unknown` with a new root.
 */
export function recordContext(record: unknown, options?: Pick<ExtractOptions, 'xray'>): ExtractedContext {
  try {
    return resolve(matchRecord(record), {
      invoker: undefined,
      xray: undefined,
      mode: xrayMode(options?.xray),
    });
  } catch (error) {
    diag.debug('@firefly/propagation: no context extracted from the record', error);
    return { parent: ROOT_CONTEXT, links: [], ...UNKNOWN };
  }
}

/**
 * Runs `fn` for each record of `event.Records`, one after another, each with its own context
 * active (`recordContext`), so spans started inside are children of the record's producer. A
 * record without trace context keeps the context that was active (the invocation span, usually)
 * rather than starting a detached trace. Awaits what `fn` returns; an error of `fn` rejects the
 * returned promise and stops the loop, as a `for…of` would: the records' fate is the caller's
 * business, not ours.
 */
export async function forEachRecord<TRecord>(
  event: { Records: readonly TRecord[] },
  fn: (record: TRecord, extracted: ExtractedContext) => unknown,
  options?: Pick<ExtractOptions, 'xray'>,
): Promise<void> {
  const records =
    isRecord(event) && Array.isArray(event.Records) ? (event.Records as readonly TRecord[]) : [];
  const active = context.active();
  for (const record of records) {
    const extracted = recordContext(record, options);
    const parent = trace.getSpanContext(extracted.parent)
      ? extracted.parent
      : withBaggageOf(extracted.parent, active);
    await context.with(parent, () => fn(record, { ...extracted, parent }));
  }
}

/** `active` with the baggage a record carried without a traceparent, if any. */
function withBaggageOf(record: Context, active: Context): Context {
  const baggage = propagation.getBaggage(record);
  return baggage === undefined ? active : propagation.setBaggage(active, baggage);
}

const UNKNOWN = { source: 'unknown', trigger: 'other', spanKind: SpanKind.SERVER, attributes: {} } as const;

function matchRecord(record: unknown): SourceMatch {
  if (isSqsRecord(record)) {
    const carrier = sqsRecordCarrier(record);
    return message('sqs', sqsAttributes(record), carrier, stringField(record, 'messageId'));
  }
  if (isSnsRecord(record)) {
    return message(
      'sns',
      snsAttributes(record),
      snsRecordCarrier(record),
      stringField(record.Sns, 'MessageId'),
    );
  }
  if (isKinesisRecord(record)) {
    const carrier = kinesisRecordCarrier(record);
    return message(
      'kinesis',
      kinesisAttributes(record),
      carrier,
      stringField(record.kinesis, 'sequenceNumber'),
    );
  }
  if (isDynamoDbRecord(record)) {
    return {
      source: 'dynamodb',
      trigger: 'datasource',
      spanKind: SpanKind.CONSUMER,
      attributes: dynamoDbAttributes([record]),
      records: [dynamoDbRecordCarrier(record)],
    };
  }
  return { ...UNKNOWN, attributes: {} };
}

function message(
  source: 'sqs' | 'sns' | 'kinesis',
  attributes: Attributes,
  carrier: ReturnType<typeof sqsRecordCarrier>,
  messageId: string | undefined,
): SourceMatch {
  return {
    source,
    trigger: 'pubsub',
    spanKind: SpanKind.CONSUMER,
    attributes:
      messageId === undefined ? attributes : { ...attributes, [ATTR_MESSAGING_MESSAGE_ID]: messageId },
    records: [carrier],
  };
}
