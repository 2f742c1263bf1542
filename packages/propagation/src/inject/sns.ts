import { injectEntries, withTraceAttributes } from './message-attributes.js';

/** `Publish` and `PublishBatch`: String message attributes, which SNS hands on to SQS and Lambda. */
export function injectSns(command: string, input: Record<string, unknown>, carrier: Record<string, string>) {
  if (command === 'PublishCommand') return withTraceAttributes(input, 'Message', carrier)?.message;
  if (command === 'PublishBatchCommand') {
    const entries = injectEntries(input.PublishBatchRequestEntries, 'Message', carrier);
    return entries === undefined ? undefined : { ...input, PublishBatchRequestEntries: entries };
  }
  return undefined;
}
