import { type Attributes, SpanKind } from '@opentelemetry/api';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_AWS_KINESIS,
  withBatchCount,
} from '../attributes.js';
import { isRecord, stringField } from '../carrier.js';
import { PAYLOAD_FIELD } from '../fields.js';
import { payloadCarrier } from './lambda-invoke.js';
import type { RecordCarrier, SourceMatch } from './source-match.js';
import { arnResource } from './sqs.js';

export function isKinesisRecord(record: unknown): record is Record<string, unknown> {
  return (
    stringField(record, 'eventSource') === 'aws:kinesis' &&
    isRecord((record as Record<string, unknown>).kinesis)
  );
}

export function matchKinesis(records: unknown[]): SourceMatch {
  const kinesis = records.filter(isKinesisRecord);
  return {
    source: 'kinesis',
    trigger: 'pubsub',
    spanKind: SpanKind.CONSUMER,
    attributes: withBatchCount(kinesisAttributes(kinesis[0]), kinesis.length),
    records: kinesis.map(kinesisRecordCarrier),
  };
}

export function kinesisAttributes(record: Record<string, unknown> | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_AWS_KINESIS,
    [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [ATTR_MESSAGING_OPERATION_NAME]: 'process',
  };
  // `arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream` → `lambda-stream`
  const stream = arnResource(stringField(record, 'eventSourceARN'))?.replace(/^stream\//, '');
  if (stream !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = stream;
  return attributes;
}

/**
 * Context is present only when the producer opted in to the `_firefly` field in JSON record data
 * (`fireflyPropagationMiddleware({ kinesis: true })`).
 */
export function kinesisRecordCarrier(record: Record<string, unknown>): RecordCarrier {
  const kinesis = record.kinesis as Record<string, unknown>;
  const sequenceNumber = stringField(kinesis, 'sequenceNumber');
  return {
    carrier: payloadCarrier(jsonData(stringField(kinesis, 'data'))),
    xray: undefined,
    linkAttributes: sequenceNumber === undefined ? {} : { [ATTR_MESSAGING_MESSAGE_ID]: sequenceNumber },
  };
}

/** Decodes and parses only data that can hold the field: records are up to 1 MiB and many. */
function jsonData(base64: string | undefined): unknown {
  if (base64 === undefined) return undefined;
  const text = Buffer.from(base64, 'base64').toString('utf8');
  if (!text.trimStart().startsWith('{') || !text.includes(`"${PAYLOAD_FIELD}"`)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
