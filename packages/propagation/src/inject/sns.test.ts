import { PublishBatchCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractContext } from '../extract/extract-context.js';
import {
  type AwsEndpoint,
  clientConfig,
  parseQueryBody,
  queryMessageAttributes,
  startAwsEndpoint,
} from '../testing/aws-endpoint.js';
import { SENDER, SENDER_TRACEPARENT, senderContext } from '../testing/spans.js';
import { instrumentAwsClient } from './middleware.js';

const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:orders';
const XML = { 'content-type': 'text/xml' };

let endpoint: AwsEndpoint;
let sns: SNSClient;

beforeAll(async () => {
  // The AWS query protocol: a form body, an XML answer.
  endpoint = await startAwsEndpoint(({ body }) => {
    const action = new URLSearchParams(body).get('Action');
    return action === 'PublishBatch'
      ? {
          headers: XML,
          body: '<PublishBatchResponse><PublishBatchResult><Successful/><Failed/></PublishBatchResult></PublishBatchResponse>',
        }
      : {
          headers: XML,
          body: '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>',
        };
  });
  sns = instrumentAwsClient(new SNSClient(clientConfig(endpoint.url)), { getContext: senderContext });
});
afterAll(async () => {
  sns.destroy();
  await endpoint.close();
});

function lastForm() {
  return parseQueryBody(endpoint.requests.at(-1)?.body ?? '');
}

function attributes(count: number) {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: `${i}` }]),
  );
}

describe('SNS Publish', () => {
  it('writes traceparent as a String message attribute, which Lambda receives as { Type, Value }', async () => {
    await sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'hi', MessageAttributes: attributes(2) }),
    );
    const sent = queryMessageAttributes(lastForm().MessageAttributes);
    expect(sent).toEqual({ a0: '0', a1: '1', traceparent: SENDER_TRACEPARENT });
    const record = {
      EventSource: 'aws:sns',
      Sns: {
        TopicArn: TOPIC_ARN,
        MessageAttributes: Object.fromEntries(
          Object.entries(sent).map(([key, value]) => [key, { Type: 'String', Value: value }]),
        ),
      },
    };
    const extracted = extractContext({ Records: [record] }, undefined, { xrayTraceId: '' });
    expect(extracted.source).toBe('sns');
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: SENDER.traceId,
      spanId: SENDER.spanId,
    });
  });

  it('sends the message unchanged when the caller already uses all 10 attributes', async () => {
    await sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'hi', MessageAttributes: attributes(10) }),
    );
    expect(Object.keys(queryMessageAttributes(lastForm().MessageAttributes))).not.toContain('traceparent');
  });
});

describe('SNS PublishBatch', () => {
  it('writes the context on every entry', async () => {
    await sns.send(
      new PublishBatchCommand({
        TopicArn: TOPIC_ARN,
        PublishBatchRequestEntries: [
          { Id: '1', Message: 'one' },
          { Id: '2', Message: 'two', MessageAttributes: attributes(9) },
          { Id: '3', Message: 'three', MessageAttributes: attributes(10) },
        ],
      }),
    );
    const members = (
      lastForm().PublishBatchRequestEntries as { member: Record<string, { MessageAttributes: unknown }> }
    ).member;
    const sent = [1, 2, 3].map((i) => queryMessageAttributes(members[i]?.MessageAttributes));
    expect(sent[0]).toEqual({ traceparent: SENDER_TRACEPARENT });
    expect(sent[1]?.traceparent).toBe(SENDER_TRACEPARENT);
    expect(Object.keys(sent[1] ?? {})).toHaveLength(10);
    expect(sent[2]?.traceparent).toBeUndefined();
  });
});

describe('SNS message size (256 KiB for message and attributes)', () => {
  const LIMIT = 256 * 1024;
  const TRACEPARENT_BYTES = 'traceparent'.length + 'String'.length + SENDER_TRACEPARENT.length;

  it('injects while the message stays within 256 KiB, and leaves it unchanged otherwise', async () => {
    await sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'x'.repeat(LIMIT - TRACEPARENT_BYTES) }),
    );
    expect(queryMessageAttributes(lastForm().MessageAttributes)).toEqual({ traceparent: SENDER_TRACEPARENT });
    await sns.send(
      new PublishCommand({ TopicArn: TOPIC_ARN, Message: 'x'.repeat(LIMIT - TRACEPARENT_BYTES + 1) }),
    );
    expect(lastForm().MessageAttributes).toBeUndefined();
    expect(lastForm().Message).toHaveLength(LIMIT - TRACEPARENT_BYTES + 1);
  });
});
