import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_AWS_SQS,
  withBatchCount,
} from '../attributes.js';
import { addToCarrier, type Carrier, isRecord, stringField } from '../carrier.js';
import { TRACEPARENT } from '../fields.js';
import { snsAttributeValue } from './sns.js';
import type { RecordCarrier, SourceMatch } from './source-match.js';

export function isSqsRecord(record: unknown): record is Record<string, unknown> {
  return stringField(record, 'eventSource') === 'aws:sqs';
}

export function matchSqs(records: unknown[]): SourceMatch {
  const sqs = records.filter(isSqsRecord);
  const attributes = withBatchCount(sqsAttributes(sqs[0]), sqs.length);
  const messageId = sqs.length === 1 ? stringField(sqs[0], 'messageId') : undefined;
  if (messageId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = messageId;
  return {
    source: 'sqs',
    trigger: 'pubsub',
    spanKind: SpanKind.CONSUMER,
    attributes,
    records: sqs.map(sqsRecordCarrier),
  };
}

export function sqsAttributes(record: Record<string, unknown> | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_AWS_SQS,
    // The semantic conventions' aws-lambda page: the invocation span of an SQS-triggered function
    // processes the messages, whether one or a batch (Lambda, not the function, received them).
    [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [ATTR_MESSAGING_OPERATION_NAME]: 'process',
  };
  const queue = arnResource(stringField(record, 'eventSourceARN'));
  if (queue !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = queue;
  return attributes;
}

/**
 * The message attributes (`{ stringValue, dataType }`), or, for an SNS subscription without raw
 * message delivery, the SNS envelope's `MessageAttributes` (`{ Type, Value }`) in the body.
 */
export function sqsRecordCarrier(record: Record<string, unknown>): RecordCarrier {
  const carrier: Carrier = {};
  addToCarrier(carrier, record.messageAttributes, (attribute) => stringField(attribute, 'stringValue'));
  if (carrier[TRACEPARENT] === undefined) {
    const envelope = snsEnvelope(record.body);
    if (envelope !== undefined) addToCarrier(carrier, envelope.MessageAttributes, snsAttributeValue);
  }
  const messageId = stringField(record, 'messageId');
  return {
    carrier,
    xray: stringField(record.attributes, 'AWSTraceHeader'),
    linkAttributes: messageId === undefined ? {} : { [ATTR_MESSAGING_MESSAGE_ID]: messageId },
  };
}

/** Parses the body only when it can be an SNS notification with attributes: bodies are large. */
function snsEnvelope(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'string' || !body.startsWith('{') || !body.includes('"MessageAttributes"'))
    return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) && stringField(parsed, 'TopicArn') !== undefined ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** `arn:aws:sqs:eu-west-1:123456789012:orders` → `orders`. */
export function arnResource(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  const resource = arn.split(':').slice(5).join(':');
  return resource === '' ? undefined : resource;
}
