import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { type ElasticMqServer, startElasticMq } from '@firefly/devstack';
import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractContext } from '../extract/extract-context.js';
import { forEachRecord } from '../extract/records.js';
import { AsyncLocalStorageContextManager } from '../testing/context-manager.js';
import { instrumentAwsClient } from './middleware.js';

const XRAY = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

let server: ElasticMqServer;
let sqs: SQSClient;
let queueUrl: string;
let queueArn: string;
const tracer = new BasicTracerProvider().getTracer('producer');

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  server = await startElasticMq();
  sqs = instrumentAwsClient(
    new SQSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    }),
  );
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }))).QueueUrl as string;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  queueArn = Attributes?.QueueArn as string;
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  await server?.stop();
  context.disable();
});

/** Sends inside an active PRODUCER span with baggage, as an instrumented application would. */
async function sendInSpan(send: () => Promise<unknown>) {
  const span = tracer.startSpan('orders send', { kind: SpanKind.PRODUCER });
  const baggage = propagation.createBaggage({ tenant: { value: 'acme' } });
  await context.with(propagation.setBaggage(trace.setSpan(context.active(), span), baggage), send);
  span.end();
  return span.spanContext();
}

async function receive(count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
    );
    messages.push(...Messages);
  }
  return messages;
}

/** The record Lambda's SQS event source mapping builds from a received message. */
function lambdaRecord(message: Message): SQSRecord {
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      stringValue: value.StringValue,
      stringListValues: [],
      binaryListValues: [],
      dataType: value.DataType as string,
    };
  }
  const system = message.Attributes ?? {};
  return {
    messageId: message.MessageId as string,
    receiptHandle: message.ReceiptHandle as string,
    body: message.Body as string,
    attributes: {
      ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
      SentTimestamp: system.SentTimestamp ?? '0',
      SenderId: system.SenderId ?? '',
      ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '0',
      ...(system.AWSTraceHeader === undefined ? {} : { AWSTraceHeader: system.AWSTraceHeader }),
    },
    messageAttributes,
    md5OfBody: message.MD5OfBody as string,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

describe('through ElasticMQ, a real SQS', () => {
  it("SendMessage → ReceiveMessage → Lambda's record: the sender's span is the parent, X-Ray a link", async () => {
    const sender = await sendInSpan(() =>
      sqs.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: '{"orderId":"1001"}',
          MessageAttributes: { priority: { DataType: 'Number', StringValue: '1' } },
          MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: XRAY } },
        }),
      ),
    );
    const [message] = await receive(1);
    const event = { Records: [lambdaRecord(message as Message)] };
    expect(event.Records[0]?.attributes.AWSTraceHeader).toBe(XRAY);

    const extracted = extractContext(event, undefined, { xrayTraceId: '' });
    expect(extracted.source).toBe('sqs');
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: sender.traceId,
      spanId: sender.spanId,
      isRemote: true,
    });
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
    expect(extracted.links.map((link) => link.context.spanId)).toEqual(['53995c3f42cd8ad8']);
    expect(extracted.attributes).toMatchObject({
      'messaging.destination.name': 'orders',
      'messaging.message.id': message?.MessageId,
    });
  });

  it('SendMessageBatch → a batch event links every sender; forEachRecord continues each trace', async () => {
    const first = await sendInSpan(() =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'a', MessageBody: 'a' }] })),
    );
    const second = await sendInSpan(() =>
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'b', MessageBody: 'b' }] })),
    );
    const event = { Records: (await receive(2)).map(lambdaRecord) };
    const extracted = extractContext(event, undefined, { xrayTraceId: '' });
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(new Set(extracted.links.map((link) => link.context.spanId))).toEqual(
      new Set([first.spanId, second.spanId]),
    );
    const continued: Record<string, string | undefined> = {};
    await forEachRecord(event, async (record) => {
      continued[record.body] = trace.getSpanContext(context.active())?.spanId;
    });
    expect(continued).toEqual({ a: first.spanId, b: second.spanId });
  });

  it('a message with 9 attributes of its own gets traceparent and is accepted; with 10 it is sent unchanged', async () => {
    const attributes = (count: number) =>
      Object.fromEntries(
        Array.from({ length: count }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: `${i}` }]),
      );
    const sender = await sendInSpan(async () => {
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'nine', MessageAttributes: attributes(9) }),
      );
      await sqs.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'ten', MessageAttributes: attributes(10) }),
      );
    });
    const received = await receive(2);
    const byBody = Object.fromEntries(
      received.map((message) => [message.Body, message.MessageAttributes ?? {}]),
    );
    expect(Object.keys(byBody.nine ?? {})).toHaveLength(10);
    expect(byBody.nine?.traceparent?.StringValue).toBe(`00-${sender.traceId}-${sender.spanId}-01`);
    expect(byBody.nine?.baggage).toBeUndefined();
    expect(Object.keys(byBody.ten ?? {}).sort()).toEqual(Object.keys(attributes(10)).sort());

    // Why: SQS (and ElasticMQ with strict limits) refuses an 11th attribute, failing the customer's send.
    const plain = new SQSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const eleven = { ...attributes(10), traceparent: { DataType: 'String', StringValue: 'x' } };
    await expect(
      plain.send(
        new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'eleven', MessageAttributes: eleven }),
      ),
    ).rejects.toThrow(/exceeds the allowed maximum \[10\]/);
    plain.destroy();
  });
});
