import { isRecord } from '../carrier.js';
import { staysWithin, withPayloadField } from './json-payload.js';
import { MAX_EVENTBRIDGE_ENTRY_BYTES } from './limits.js';

/** `PutEvents`: the `_firefly` field of each entry's `Detail`, when that is a JSON object. */
export function injectEventBridge(
  command: string,
  input: Record<string, unknown>,
  carrier: Record<string, string>,
) {
  if (command !== 'PutEventsCommand' || !Array.isArray(input.Entries)) return undefined;
  const entries = input.Entries.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry.Detail !== 'string') return entry;
    const detail = withPayloadField(entry.Detail, carrier);
    if (detail === undefined) return entry;
    const injected = { ...entry, Detail: detail };
    return staysWithin(MAX_EVENTBRIDGE_ENTRY_BYTES, entrySize(entry), entrySize(injected)) ? injected : entry;
  });
  return { ...input, Entries: entries };
}

/** How EventBridge sizes an entry: Time (14 bytes when set), Source, DetailType, Detail, Resources. */
function entrySize(entry: Record<string, unknown>): number {
  let size = entry.Time === undefined ? 0 : 14;
  for (const field of [entry.Source, entry.DetailType, entry.Detail])
    if (typeof field === 'string') size += Buffer.byteLength(field);
  if (Array.isArray(entry.Resources))
    for (const resource of entry.Resources)
      if (typeof resource === 'string') size += Buffer.byteLength(resource);
  return size;
}
