import { describe, expect, it } from 'vitest';
import { isRunning } from '../process/procfs.js';
import { startElasticMq } from './server.js';

/** One SQS query-protocol request, as the older AWS SDKs send them. */
async function sqs(url: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(url, {
    method: 'POST',
    body: new URLSearchParams({ Version: '2012-11-05', ...params }),
  });
  const body = await response.text();
  if (!response.ok) throw new Error(`${params.Action}: ${response.status} ${body}`);
  return body;
}

describe('ElasticMQ', () => {
  it('is a real SQS: create a queue, send with message attributes, receive them back', async () => {
    const server = await startElasticMq();
    try {
      const created = await sqs(server.url, { Action: 'CreateQueue', QueueName: 'orders' });
      const queueUrl = /<QueueUrl>(.+)<\/QueueUrl>/.exec(created)?.[1] as string;
      expect(queueUrl).toBe(`${server.url}/000000000000/orders`);
      await sqs(queueUrl, {
        Action: 'SendMessage',
        MessageBody: 'hello',
        'MessageAttribute.1.Name': 'traceparent',
        'MessageAttribute.1.Value.DataType': 'String',
        'MessageAttribute.1.Value.StringValue': '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      });
      const received = await sqs(queueUrl, { Action: 'ReceiveMessage', 'MessageAttributeName.1': 'All' });
      expect(received).toContain('<Body>hello</Body>');
      expect(received).toContain(
        '<StringValue>00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01</StringValue>',
      );
    } finally {
      await server.stop();
    }
    expect(isRunning(server.pid)).toBe(false);
  });
});
