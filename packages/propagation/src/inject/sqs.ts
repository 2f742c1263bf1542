import { injectEntries, withTraceAttributes } from './message-attributes.js';

/** `SendMessage` and `SendMessageBatch`: String message attributes on each message. */
export function injectSqs(command: string, input: Record<string, unknown>, carrier: Record<string, string>) {
  if (command === 'SendMessageCommand') {
    const attributes = withTraceAttributes(input.MessageAttributes, carrier);
    return attributes === undefined ? undefined : { ...input, MessageAttributes: attributes };
  }
  if (command === 'SendMessageBatchCommand') {
    const entries = injectEntries(input.Entries, carrier);
    return entries === undefined ? undefined : { ...input, Entries: entries };
  }
  return undefined;
}
