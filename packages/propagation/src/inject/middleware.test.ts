import { createHash } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../testing/aws-endpoint.js';
import { AsyncLocalStorageContextManager } from '../testing/context-manager.js';
import {
  fireflyPropagationMiddleware,
  fireflyPropagationMiddlewareOptions,
  instrumentAwsClient,
} from './middleware.js';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';

let endpoint: AwsEndpoint;
const clients: SQSClient[] = [];

beforeAll(async () => {
  endpoint = await startAwsEndpoint(({ body }) => ({
    headers: { 'content-type': 'application/x-amz-json-1.0' },
    body: JSON.stringify({ MessageId: 'm-1', MD5OfMessageBody: md5(JSON.parse(body).MessageBody) }),
  }));
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await endpoint.close();
});

function sqsClient() {
  const client = new SQSClient(clientConfig(endpoint.url));
  clients.push(client);
  return client;
}

const sentAttributes = () => JSON.parse(endpoint.requests.at(-1)?.body ?? '{}').MessageAttributes;
const send = (client: SQSClient) =>
  client.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: 'x' }));

describe('fireflyPropagationMiddleware', () => {
  it('injects the active span of the application’s context manager by default', async () => {
    const manager = new AsyncLocalStorageContextManager();
    context.setGlobalContextManager(manager);
    try {
      const tracer = new BasicTracerProvider().getTracer('test');
      const client = instrumentAwsClient(sqsClient());
      const span = tracer.startSpan('send orders');
      await context.with(trace.setSpan(context.active(), span), () => send(client));
      span.end();
      const { traceId, spanId } = span.spanContext();
      expect(sentAttributes().traceparent.StringValue).toBe(`00-${traceId}-${spanId}-01`);
    } finally {
      context.disable();
    }
  });

  it('sends the request unchanged without a valid span context', async () => {
    await send(instrumentAwsClient(sqsClient(), { getContext: () => ROOT_CONTEXT }));
    expect(sentAttributes()).toBeUndefined();
  });

  it('sends the request unchanged when the context getter throws', async () => {
    const client = instrumentAwsClient(sqsClient(), {
      getContext: () => {
        throw new Error('customer bug');
      },
    });
    await expect(send(client)).resolves.toMatchObject({ MessageId: 'm-1' });
    expect(sentAttributes()).toBeUndefined();
  });

  it('can be added by hand, and instrumenting twice replaces rather than duplicates', async () => {
    const client = sqsClient();
    client.middlewareStack.add(fireflyPropagationMiddleware(), fireflyPropagationMiddlewareOptions);
    instrumentAwsClient(client);
    instrumentAwsClient(client);
    const names = client.middlewareStack.identify().filter((name) => name.startsWith('fireflyPropagation'));
    expect(names).toHaveLength(1);
  });
});
