import type { Attributes } from '@opentelemetry/api';

// Stable attribute names come from @opentelemetry/semantic-conventions. The messaging and FaaS ones
// below are still incubating there; that package's own advice is to copy incubating names rather
// than import them, because they may change in a minor release. They are copied from 1.45.0.
export {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';

export const ATTR_MESSAGING_SYSTEM = 'messaging.system';
export const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
export const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';
export const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
export const ATTR_MESSAGING_BATCH_MESSAGE_COUNT = 'messaging.batch.message_count';
export const ATTR_MESSAGING_MESSAGE_ID = 'messaging.message.id';
export const ATTR_AWS_SNS_TOPIC_ARN = 'aws.sns.topic.arn';

export const ATTR_FAAS_DOCUMENT_COLLECTION = 'faas.document.collection';
export const ATTR_FAAS_DOCUMENT_OPERATION = 'faas.document.operation';
export const ATTR_FAAS_DOCUMENT_NAME = 'faas.document.name';
export const ATTR_FAAS_DOCUMENT_TIME = 'faas.document.time';
export const ATTR_FAAS_TIME = 'faas.time';

export const MESSAGING_SYSTEM_AWS_SQS = 'aws_sqs';
export const MESSAGING_SYSTEM_AWS_SNS = 'aws.sns';
// No semantic-convention value exists for these two; named like the SNS one.
export const MESSAGING_SYSTEM_AWS_EVENTBRIDGE = 'aws.eventbridge';
export const MESSAGING_SYSTEM_AWS_KINESIS = 'aws.kinesis';

/** Set on links this package creates, so a reader can tell an X-Ray link from a record's. */
export const ATTR_LINK_ORIGIN = 'firefly.link.origin';

/**
 * `messaging.batch.message_count` for a batch: the semantic conventions say not to set it on spans
 * that operate on a single message.
 */
export function withBatchCount(attributes: Attributes, count: number): Attributes {
  return count > 1 ? { ...attributes, [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: count } : attributes;
}
