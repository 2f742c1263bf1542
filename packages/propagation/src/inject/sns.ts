import { injectEntries, withTraceAttributes } from './message-attributes.js';

/** `Publish` and `PublishBatch`: String message attributes, which SNS hands on to SQS and Lambda. */
export function injectSns(command: string, input: Record<string, unknown>, carrier: Record<string, string>) {
  if (command === 'PublishCommand') {
    const attributes = withTraceAttributes(input.MessageAttributes, carrier);
    return attributes === undefined ? undefined : { ...input, MessageAttributes: attributes };
  }
  if (command === 'PublishBatchCommand') {
    const entries = injectEntries(input.PublishBatchRequestEntries, carrier);
    return entries === undefined ? undefined : { ...input, PublishBatchRequestEntries: entries };
  }
  return undefined;
}
