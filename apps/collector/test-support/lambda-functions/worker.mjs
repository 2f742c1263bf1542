// Function B: consumes the orders queue and invokes the notifier synchronously.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { instrumentAwsClient } from '@firefly/propagation';

const lambda = instrumentAwsClient(new LambdaClient({ endpoint: process.env.LAMBDA_ENDPOINT }));

export async function handler(event) {
  for (const record of event.Records) {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: 'notifier',
        Payload: Buffer.from(JSON.stringify({ order: record.body })),
      }),
    );
    if (response.FunctionError)
      throw new Error(`notifier failed: ${Buffer.from(response.Payload).toString()}`);
  }
  return { processed: event.Records.length };
}
