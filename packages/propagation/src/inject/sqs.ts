import { injectEntries, withTraceAttributes } from './message-attributes.js';

/** `SendMessage` and `SendMessageBatch`: String message attributes on each message. */
export function injectSqs(command: string, input: Record<string, unknown>, carrier: Record<string, string>) {
  if (command === 'SendMessageCommand') return withTraceAttributes(input, 'MessageBody', carrier)?.message;
  if (command === 'SendMessageBatchCommand') {
    const entries = injectEntries(input.Entries, 'MessageBody', carrier);
    return entries === undefined ? undefined : { ...input, Entries: entries };
  }
  return undefined;
}
