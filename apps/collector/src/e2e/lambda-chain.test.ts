// The whole Emit → Ship path, with nothing but AWS stood in for: three instrumented functions in
// their own runtime processes (the Lambda Runtime API stand-in of @firefly/instrumentation's tests,
// the layer's preload), API Gateway → A → SQS (a real ElasticMQ) → B → Lambda Invoke (a local
// Invoke API that hands the call to C's runtime) → C; every function exports to the real collector,
// which stores in the real ClickHouse. One trace, each hop the child of the one before, even with
// Lambda's X-Ray header on every invocation.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type ElasticMqServer, startElasticMq } from '@firefly/devstack';
import type { Span } from '@firefly/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The Lambda stand-in lives with the instrumentation's tests; it is test code, not a dependency.
import { LambdaEnvironment, responseJson } from '../../../../packages/instrumentation/test-support/lambda.js';
import { storedSpans, testCollector } from '../../test-support/collector.js';
import type { Collector } from '../collector.js';

const FUNCTIONS = fileURLToPath(new URL('../../test-support/lambda-functions/', import.meta.url));
const AWS_ENV = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-west-1' };
const hex = (bytes: number) => randomBytes(bytes).toString('hex');
/** The X-Ray header Lambda gives every invocation when active tracing is on. */
const xray = () => `Root=1-${hex(4)}-${hex(12)};Parent=${hex(8)};Sampled=1`;

describe('API Gateway → A → SQS → B → Lambda invoke → C: one trace in ClickHouse', () => {
  let collector: Collector;
  let elasticMq: ElasticMqServer;
  let invokeApi: Server;
  const functions: Record<'api' | 'worker' | 'notifier', LambdaEnvironment> = {} as never;

  beforeAll(async () => {
    collector = testCollector('direct');
    const collectorUrl = await collector.start();
    elasticMq = await startElasticMq();
    const sqs = new SQSClient({
      endpoint: elasticMq.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }));
    sqs.destroy();

    // Lambda's Invoke API, as far as B needs it: the body is the payload, the ClientContext header
    // goes to C's runtime, C's response comes back as the body.
    invokeApi = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const header = req.headers['x-amz-client-context'];
      const clientContext =
        typeof header === 'string' ? JSON.parse(Buffer.from(header, 'base64').toString()) : undefined;
      const result = await functions.notifier.invoke(JSON.parse(Buffer.concat(chunks).toString()), {
        clientContext,
        traceId: xray(),
      });
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      res.end(result.kind === 'response' ? result.body : JSON.stringify(result));
    });
    await new Promise<void>((done) => invokeApi.listen(0, '127.0.0.1', done));
    const lambdaEndpoint = `http://127.0.0.1:${(invokeApi.address() as { port: number }).port}`;

    const start = (name: 'api' | 'worker' | 'notifier', env: Record<string, string>) =>
      LambdaEnvironment.start({
        handler: `${name}.handler`,
        taskRoot: FUNCTIONS,
        via: 'preload',
        env: {
          ...AWS_ENV,
          AWS_LAMBDA_FUNCTION_NAME: name,
          OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
          ...env,
        },
      });
    functions.api = await start('api', {
      SQS_ENDPOINT: elasticMq.url,
      ORDERS_QUEUE_URL: queue.QueueUrl as string,
    });
    functions.worker = await start('worker', { LAMBDA_ENDPOINT: lambdaEndpoint });
    functions.notifier = await start('notifier', {});
  });

  afterAll(async () => {
    await Promise.all(Object.values(functions).map((f) => f?.stop()));
    await new Promise<void>((done) => (invokeApi ? invokeApi.close(() => done()) : done()));
    await elasticMq?.stop();
    await collector?.stop();
  });

  it('each function is the child of the one before it, and X-Ray is only a link', async () => {
    const traceId = hex(16);
    const clientSpanId = hex(8);
    const apiEvent = {
      resource: '/orders',
      path: '/orders',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json', traceparent: `00-${traceId}-${clientSpanId}-01` },
      multiValueHeaders: {},
      queryStringParameters: null,
      requestContext: {
        resourcePath: '/orders',
        httpMethod: 'POST',
        path: '/prod/orders',
        stage: 'prod',
        requestId: hex(8),
      },
      body: JSON.stringify({ id: 'o-42' }),
      isBase64Encoded: false,
    };
    expect(responseJson(await functions.api.invoke(apiEvent, { traceId: xray() }))).toMatchObject({
      statusCode: 202,
    });

    // Lambda's SQS poller: receive the message and hand it to B as an SQS event.
    const sqs = new SQSClient({
      endpoint: elasticMq.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    const queueUrl = `${elasticMq.url}/000000000000/orders`;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 5,
      }),
    );
    sqs.destroy();
    expect(Messages).toHaveLength(1);
    const message = Messages[0] as NonNullable<typeof Messages>[number];
    const sqsEvent = {
      Records: [
        {
          messageId: message.MessageId,
          receiptHandle: message.ReceiptHandle,
          body: message.Body,
          attributes: message.Attributes ?? {},
          messageAttributes: Object.fromEntries(
            Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
              name,
              {
                stringValue: value.StringValue,
                stringListValues: [],
                binaryListValues: [],
                dataType: value.DataType,
              },
            ]),
          ),
          md5OfBody: message.MD5OfBody,
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:orders',
          awsRegion: 'eu-west-1',
        },
      ],
    };
    expect(responseJson(await functions.worker.invoke(sqsEvent, { traceId: xray() }))).toEqual({
      processed: 1,
    });

    const spans = await storedSpans(collector, [traceId], 3);
    const byService = new Map<string, Span>(spans.map((s) => [s.resource.serviceName, s]));
    expect([...byService.keys()].sort()).toEqual(['api', 'notifier', 'worker']);
    const [api, worker, notifier] = ['api', 'worker', 'notifier'].map((n) => byService.get(n) as Span);
    expect(api).toMatchObject({ traceId, parentSpanId: clientSpanId, kind: 2 });
    expect(worker).toMatchObject({ traceId, parentSpanId: api?.spanId, kind: 5 });
    expect(notifier).toMatchObject({ traceId, parentSpanId: worker?.spanId });
    for (const span of [api, worker, notifier]) {
      // faas.invocation.id: the semantic conventions' current name (it was faas.invocation_id).
      expect(span?.attributes['faas.invocation.id']).toEqual(expect.any(String));
      // Lambda's X-Ray context is kept, as a link, never as the parent.
      expect(span?.links.some((l) => l.traceId !== traceId)).toBe(true);
    }
  });
});
