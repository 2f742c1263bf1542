import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { propagation, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractContext } from '../extract/extract-context.js';
import { MAX_MESSAGE_BYTES } from '../index.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../testing/aws-endpoint.js';
import { SENDER, SENDER_TRACEPARENT, senderContext } from '../testing/spans.js';
import { instrumentAwsClient } from './middleware.js';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');

let endpoint: AwsEndpoint;
let sqs: SQSClient;

beforeAll(async () => {
  // The JSON protocol (x-amz-target AmazonSQS.*) of current SDKs.
  endpoint = await startAwsEndpoint(({ headers, body }) => {
    const input = JSON.parse(body);
    const response =
      headers['x-amz-target'] === 'AmazonSQS.SendMessageBatch'
        ? {
            Successful: input.Entries.map((entry: { Id: string; MessageBody: string }) => ({
              Id: entry.Id,
              MessageId: `m-${entry.Id}`,
              MD5OfMessageBody: md5(entry.MessageBody),
            })),
            Failed: [],
          }
        : { MessageId: 'm-1', MD5OfMessageBody: md5(input.MessageBody) };
    return { headers: { 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(response) };
  });
  sqs = instrumentAwsClient(new SQSClient(clientConfig(endpoint.url)), { getContext: contextWithBaggage });
});
afterAll(async () => {
  sqs.destroy();
  await endpoint.close();
});

function contextWithBaggage() {
  return propagation.setBaggage(senderContext(), propagation.createBaggage({ tenant: { value: 'acme' } }));
}

function lastBody() {
  return JSON.parse(endpoint.requests.at(-1)?.body ?? '{}');
}

/** Ten attributes of the caller's own. */
function attributes(count: number) {
  return Object.fromEntries(
    Array.from({ length: count }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: `${i}` }]),
  );
}

describe('SQS SendMessage', () => {
  it('writes traceparent and baggage as String message attributes beside the caller’s', async () => {
    const input = { QueueUrl: QUEUE_URL, MessageBody: 'hello', MessageAttributes: attributes(1) };
    await sqs.send(new SendMessageCommand(input));
    expect(lastBody().MessageAttributes).toEqual({
      a0: { DataType: 'String', StringValue: '0' },
      traceparent: { DataType: 'String', StringValue: SENDER_TRACEPARENT },
      baggage: { DataType: 'String', StringValue: 'tenant=acme' },
    });
    // The caller's input is theirs: a copy went on the wire.
    expect(Object.keys(input.MessageAttributes)).toEqual(['a0']);
  });

  it('round-trips: the record Lambda would deliver extracts to the sender as parent', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'hello' }));
    const wire = lastBody().MessageAttributes as Record<string, { DataType: string; StringValue: string }>;
    const messageAttributes = Object.fromEntries(
      Object.entries(wire).map(([key, value]) => [
        key,
        { stringValue: value.StringValue, dataType: value.DataType },
      ]),
    );
    const record = {
      messageId: 'm-1',
      body: 'hello',
      messageAttributes,
      attributes: {},
      eventSource: 'aws:sqs',
    };
    const extracted = extractContext({ Records: [record] }, undefined, { xrayTraceId: '' });
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: SENDER.traceId,
      spanId: SENDER.spanId,
    });
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
  });

  it('drops baggage first to stay within 10 attributes', async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'x', MessageAttributes: attributes(9) }),
    );
    const sent = lastBody().MessageAttributes;
    expect(Object.keys(sent)).toHaveLength(10);
    expect(sent.traceparent.StringValue).toBe(SENDER_TRACEPARENT);
    expect(sent.baggage).toBeUndefined();
  });

  it('sends the message unchanged when the caller already uses all 10 attributes', async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'x', MessageAttributes: attributes(10) }),
    );
    expect(lastBody().MessageAttributes).toEqual(attributes(10));
  });

  it('replaces a stale traceparent of any spelling instead of adding a second one', async () => {
    const stale = { Traceparent: { DataType: 'String', StringValue: '00-1-2-01' }, ...attributes(8) };
    await sqs.send(
      new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'x', MessageAttributes: stale }),
    );
    const sent = lastBody().MessageAttributes;
    expect(sent.Traceparent).toBeUndefined();
    expect(sent.traceparent.StringValue).toBe(SENDER_TRACEPARENT);
    expect(sent.baggage.StringValue).toBe('tenant=acme');
  });
});

describe('SQS SendMessageBatch', () => {
  it('writes the context on every entry, each within its own 10 attributes', async () => {
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: '1', MessageBody: 'one' },
          { Id: '2', MessageBody: 'two', MessageAttributes: attributes(9) },
          { Id: '3', MessageBody: 'three', MessageAttributes: attributes(10) },
        ],
      }),
    );
    const [one, two, three] = lastBody().Entries;
    expect(one.MessageAttributes.traceparent.StringValue).toBe(SENDER_TRACEPARENT);
    expect(one.MessageAttributes.baggage.StringValue).toBe('tenant=acme');
    expect(Object.keys(two.MessageAttributes)).toHaveLength(10);
    expect(two.MessageAttributes.traceparent.StringValue).toBe(SENDER_TRACEPARENT);
    expect(three.MessageAttributes).toEqual(attributes(10));
  });
});

describe('SQS message size (256 KiB for body and attributes, and for a whole batch)', () => {
  const LIMIT = 256 * 1024;
  // What the attributes add: name, data type ("String") and value of each.
  const TRACEPARENT_BYTES = 'traceparent'.length + 'String'.length + SENDER_TRACEPARENT.length;
  const BAGGAGE_BYTES = 'baggage'.length + 'String'.length + 'tenant=acme'.length;
  const body = (bytes: number) => 'x'.repeat(bytes);

  it('drops baggage, then leaves a message near the limit unchanged rather than push it over', async () => {
    await sqs.send(
      new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: body(LIMIT - TRACEPARENT_BYTES) }),
    );
    expect(Object.keys(lastBody().MessageAttributes)).toEqual(['traceparent']);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: QUEUE_URL,
        MessageBody: body(LIMIT - TRACEPARENT_BYTES),
        MessageAttributes: { a: { DataType: 'String', StringValue: 'bc' } },
      }),
    );
    // The caller's attribute counts too ('a', 'String', 'bc'): now not even the traceparent fits.
    expect(lastBody().MessageAttributes).toEqual({ a: { DataType: 'String', StringValue: 'bc' } });
    await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: body(LIMIT - 10) }));
    expect(lastBody().MessageAttributes).toBeUndefined();
    expect(lastBody().MessageBody).toHaveLength(LIMIT - 10);
  });

  it('counts binary attributes of the caller too, and the limit is the exported MAX_MESSAGE_BYTES', async () => {
    expect(MAX_MESSAGE_BYTES).toBe(LIMIT);
    const binary = { bin: { DataType: 'Binary', BinaryValue: new Uint8Array(100) } };
    const BINARY_BYTES = 'bin'.length + 'Binary'.length + 100;
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: QUEUE_URL,
        MessageBody: body(LIMIT - BINARY_BYTES - TRACEPARENT_BYTES),
        MessageAttributes: binary,
      }),
    );
    expect(Object.keys(lastBody().MessageAttributes).sort()).toEqual(['bin', 'traceparent']);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: QUEUE_URL,
        MessageBody: body(LIMIT - BINARY_BYTES - TRACEPARENT_BYTES + 1),
        MessageAttributes: binary,
      }),
    );
    expect(Object.keys(lastBody().MessageAttributes)).toEqual(['bin']);
  });

  it('injects a message the caller already sends over the classic limit (the queue allows it)', async () => {
    await sqs.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: body(LIMIT + 1) }));
    expect(Object.keys(lastBody().MessageAttributes).sort()).toEqual(['baggage', 'traceparent']);
  });

  it('keeps a batch within its total: entries are injected in order while it fits', async () => {
    const half = LIMIT / 2 - (TRACEPARENT_BYTES + BAGGAGE_BYTES + 10) / 2;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: '1', MessageBody: body(Math.floor(half)) },
          { Id: '2', MessageBody: body(Math.floor(half)) },
        ],
      }),
    );
    const [one, two] = lastBody().Entries;
    expect(Object.keys(one.MessageAttributes).sort()).toEqual(['baggage', 'traceparent']);
    expect(two.MessageAttributes).toBeUndefined();
  });
});
