// Function A: an API Gateway handler that queues an order on SQS.
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { instrumentAwsClient } from '@firefly/propagation';

const sqs = instrumentAwsClient(new SQSClient({ endpoint: process.env.SQS_ENDPOINT }));

export async function handler(event) {
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.ORDERS_QUEUE_URL, MessageBody: event.body }));
  return { statusCode: 202, body: JSON.stringify({ queued: true }) };
}
