import { isRecord } from '../carrier.js';
import { byteLengthOf, staysWithin, withPayloadFieldIn } from './json-payload.js';
import { MAX_KINESIS_RECORD_BYTES } from './limits.js';

/**
 * `PutRecord` and `PutRecords`, opt-in: the `_firefly` field of record data that is a JSON object.
 * Off by default because it changes the bytes every consumer of the stream reads.
 */
export function injectKinesis(
  command: string,
  input: Record<string, unknown>,
  carrier: Record<string, string>,
) {
  if (command === 'PutRecordCommand') {
    const data = injectData(input.Data, input.PartitionKey, carrier);
    return data === undefined ? undefined : { ...input, Data: data };
  }
  if (command === 'PutRecordsCommand' && Array.isArray(input.Records)) {
    const records = input.Records.map((record: unknown) => {
      if (!isRecord(record)) return record;
      const data = injectData(record.Data, record.PartitionKey, carrier);
      return data === undefined ? record : { ...record, Data: data };
    });
    return { ...input, Records: records };
  }
  return undefined;
}

function injectData(data: unknown, partitionKey: unknown, carrier: Record<string, string>) {
  const key = typeof partitionKey === 'string' ? Buffer.byteLength(partitionKey) : 0;
  const before = byteLengthOf(data) + key;
  return withPayloadFieldIn(data, carrier, (after) =>
    staysWithin(MAX_KINESIS_RECORD_BYTES, before, after + key),
  );
}
