import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_FAAS_DOCUMENT_COLLECTION,
  ATTR_FAAS_DOCUMENT_OPERATION,
  ATTR_FAAS_DOCUMENT_TIME,
  ATTR_MESSAGING_MESSAGE_ID,
} from '../attributes.js';
import { type Carrier, isRecord, stringField } from '../carrier.js';
import {
  DYNAMODB_TRACEPARENT_ATTRIBUTE,
  DYNAMODB_TRACESTATE_ATTRIBUTE,
  TRACEPARENT,
  TRACESTATE,
} from '../fields.js';
import type { RecordCarrier, SourceMatch } from './source-match.js';
import { arnResource } from './sqs.js';

const OPERATIONS: Record<string, string> = { INSERT: 'insert', MODIFY: 'edit', REMOVE: 'delete' };

export function isDynamoDbRecord(record: unknown): record is Record<string, unknown> {
  return stringField(record, 'eventSource') === 'aws:dynamodb';
}

export function matchDynamoDb(records: unknown[]): SourceMatch {
  const dynamodb = records.filter(isDynamoDbRecord);
  return {
    source: 'dynamodb',
    trigger: 'datasource',
    spanKind: SpanKind.CONSUMER,
    attributes: dynamoDbAttributes(dynamodb),
    records: dynamodb.map(dynamoDbRecordCarrier),
  };
}

export function dynamoDbAttributes(records: Record<string, unknown>[]): Attributes {
  const attributes: Attributes = {};
  // `arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2015-06-27T00:48:05.899` → `Orders`
  const table = arnResource(stringField(records[0], 'eventSourceARN'))?.split('/')[1];
  if (table !== undefined) attributes[ATTR_FAAS_DOCUMENT_COLLECTION] = table;
  const operations = new Set(records.map((record) => OPERATIONS[stringField(record, 'eventName') ?? '']));
  const [operation] = operations;
  if (operations.size === 1 && operation !== undefined) attributes[ATTR_FAAS_DOCUMENT_OPERATION] = operation;
  if (records.length === 1) {
    const seconds = (records[0]?.dynamodb as Record<string, unknown> | undefined)
      ?.ApproximateCreationDateTime;
    if (typeof seconds === 'number')
      attributes[ATTR_FAAS_DOCUMENT_TIME] = new Date(seconds * 1000).toISOString();
  }
  return attributes;
}

/**
 * The item's `_firefly_traceparent` (and `_firefly_tracestate`), from the new image: that is the
 * write this record reports. A REMOVE has no new image, hence no context.
 */
export function dynamoDbRecordCarrier(record: Record<string, unknown>): RecordCarrier {
  const change = record.dynamodb;
  const image = isRecord(change) ? change.NewImage : undefined;
  const traceparent = stringField(isRecord(image) ? image[DYNAMODB_TRACEPARENT_ATTRIBUTE] : undefined, 'S');
  const tracestate = stringField(isRecord(image) ? image[DYNAMODB_TRACESTATE_ATTRIBUTE] : undefined, 'S');
  const carrier: Carrier | undefined =
    traceparent === undefined
      ? undefined
      : { [TRACEPARENT]: traceparent, ...(tracestate === undefined ? {} : { [TRACESTATE]: tracestate }) };
  const eventId = stringField(record, 'eventID');
  return {
    carrier,
    xray: undefined,
    linkAttributes: eventId === undefined ? {} : { [ATTR_MESSAGING_MESSAGE_ID]: eventId },
  };
}
