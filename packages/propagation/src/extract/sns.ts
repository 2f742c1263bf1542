import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_AWS_SNS_TOPIC_ARN,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_AWS_SNS,
  withBatchCount,
} from '../attributes.js';
import { addToCarrier, type Carrier, isRecord, stringField } from '../carrier.js';
import type { RecordCarrier, SourceMatch } from './source-match.js';
import { arnResource } from './sqs.js';

export function isSnsRecord(record: unknown): record is Record<string, unknown> {
  return (
    stringField(record, 'EventSource') === 'aws:sns' && isRecord((record as Record<string, unknown>).Sns)
  );
}

/** SNS delivers one record per invocation, but the event is a list: treat it like SQS. */
export function matchSns(records: unknown[]): SourceMatch {
  const sns = records.filter(isSnsRecord);
  const attributes = withBatchCount(snsAttributes(sns[0]), sns.length);
  const messageId = sns.length === 1 ? stringField(sns[0]?.Sns, 'MessageId') : undefined;
  if (messageId !== undefined) attributes[ATTR_MESSAGING_MESSAGE_ID] = messageId;
  return {
    source: 'sns',
    trigger: 'pubsub',
    spanKind: SpanKind.CONSUMER,
    attributes,
    records: sns.map(snsRecordCarrier),
  };
}

export function snsAttributes(record: Record<string, unknown> | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_AWS_SNS,
    [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [ATTR_MESSAGING_OPERATION_NAME]: 'process',
  };
  const topicArn = stringField(record?.Sns, 'TopicArn');
  if (topicArn !== undefined) {
    attributes[ATTR_AWS_SNS_TOPIC_ARN] = topicArn;
    const topic = arnResource(topicArn);
    if (topic !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = topic;
  }
  return attributes;
}

export function snsRecordCarrier(record: Record<string, unknown>): RecordCarrier {
  const carrier: Carrier = {};
  addToCarrier(carrier, (record.Sns as Record<string, unknown>).MessageAttributes, snsAttributeValue);
  const messageId = stringField(record.Sns, 'MessageId');
  return {
    carrier,
    xray: undefined,
    linkAttributes: messageId === undefined ? {} : { [ATTR_MESSAGING_MESSAGE_ID]: messageId },
  };
}

/** SNS message attributes are `{ Type, Value }`; only strings can hold a header. */
export function snsAttributeValue(attribute: unknown): string | undefined {
  const type = stringField(attribute, 'Type');
  return type === 'String' || type === undefined ? stringField(attribute, 'Value') : undefined;
}
