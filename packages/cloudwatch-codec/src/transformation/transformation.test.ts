import { describe, expect, it } from 'vitest';
import {
  buildTransformationResponse,
  decodeTransformationEvent,
  FirehoseError,
  MAX_TRANSFORMATION_RESPONSE_BYTES,
  type TransformationEvent,
  type TransformationOutcome,
} from '../index.js';

/** Shaped as the sample event of a Firehose data-transformation Lambda reading a Kinesis stream. */
const EVENT: TransformationEvent = {
  invocationId: '00540a87-5050-496a-84e4-e7d92bbaf5e2',
  deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/nsql-poc',
  sourceKinesisStreamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/nsql-poc',
  region: 'us-east-1',
  records: [
    {
      recordId: '49546986683135544286507457936321625675700192471156785154',
      approximateArrivalTimestamp: 1495072949453,
      data: 'SGVsbG8gV29ybGQ=',
      kinesisRecordMetadata: {
        sequenceNumber: '49546986683135544286507457936321625675700192471156785154',
        subsequenceNumber: '',
        partitionKey: '4d1ad2b9-24f8-4b9d-a088-76e9947c317a',
        shardId: 'shardId-000000000000',
        approximateArrivalTimestamp: 1495072949453,
      },
    },
    { recordId: 'r2', approximateArrivalTimestamp: 1495072949454, data: '' },
  ],
};

function failure(run: () => unknown): FirehoseError {
  try {
    run();
  } catch (error) {
    if (error instanceof FirehoseError) return error;
    throw error;
  }
  return expect.fail('no error');
}

describe('decodeTransformationEvent', () => {
  it('decodes every record and keeps the Kinesis metadata', () => {
    const decoded = decodeTransformationEvent(structuredClone(EVENT));
    expect(decoded).toEqual({
      invocationId: EVENT.invocationId,
      deliveryStreamArn: EVENT.deliveryStreamArn,
      sourceKinesisStreamArn: EVENT.sourceKinesisStreamArn,
      region: 'us-east-1',
      records: [
        {
          recordId: EVENT.records[0]?.recordId,
          approximateArrivalTimestamp: 1495072949453,
          data: Buffer.from('Hello World'),
          kinesisRecordMetadata: EVENT.records[0]?.kinesisRecordMetadata,
        },
        {
          recordId: 'r2',
          approximateArrivalTimestamp: 1495072949454,
          data: Buffer.alloc(0),
          kinesisRecordMetadata: undefined,
        },
      ],
    });
  });

  it('names the field that is wrong', () => {
    const broken = (change: (event: Record<string, unknown>) => void) => {
      const event = structuredClone(EVENT) as unknown as Record<string, unknown>;
      change(event);
      return failure(() => decodeTransformationEvent(event));
    };
    const records = (e: Record<string, unknown>) => e.records as Record<string, unknown>[];
    const cases: [(e: Record<string, unknown>) => void, string, string][] = [
      [(e) => delete e.records, 'INVALID_JSON', 'invalid transformation event: records must be an array'],
      [
        (e) => (e.invocationId = ''),
        'INVALID_JSON',
        'invalid transformation event: invocationId must be a non-empty string',
      ],
      [
        (e) => (e.sourceKinesisStreamArn = 7),
        'INVALID_JSON',
        'invalid transformation event: sourceKinesisStreamArn must be a string',
      ],
      [
        (e) => (records(e)[1] = 'x' as never),
        'INVALID_JSON',
        'invalid transformation event: records[1] must be an object',
      ],
      [
        (e) => delete records(e)[1]?.recordId,
        'INVALID_JSON',
        'invalid transformation event: records[1].recordId must be a non-empty string',
      ],
      [
        (e) => ((records(e)[0] as Record<string, unknown>).approximateArrivalTimestamp = '1'),
        'INVALID_JSON',
        'invalid transformation event: records[0].approximateArrivalTimestamp must be a number',
      ],
      [
        (e) => ((records(e)[1] as Record<string, unknown>).data = 'SGVsbG8*'),
        'INVALID_BASE64',
        'records[1].data is not standard padded base64',
      ],
      [
        (e) => ((records(e)[0] as Record<string, unknown>).kinesisRecordMetadata = []),
        'INVALID_JSON',
        'invalid transformation event: records[0].kinesisRecordMetadata must be an object',
      ],
    ];
    for (const [change, code, message] of cases) {
      const error = broken(change);
      expect([error.code, error.message]).toEqual([code, message]);
    }
    expect(failure(() => decodeTransformationEvent(null)).message).toBe(
      'invalid transformation event: the event must be an object',
    );
  });
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ recordId: `record-${i}` }));

describe('buildTransformationResponse', () => {
  it('answers every record in event order, with base64 data for Ok and empty data otherwise', () => {
    const outcomes: TransformationOutcome[] = [
      { recordId: 'record-2', result: 'Dropped', data: Buffer.from('ignored') },
      {
        recordId: 'record-0',
        result: 'Ok',
        data: Buffer.from('hello'),
        metadata: { partitionKeys: { fn: 'orders' } },
      },
      { recordId: 'record-1', result: 'ProcessingFailed' },
    ];
    const built = buildTransformationResponse(ids(3), outcomes);
    expect(built.response).toEqual({
      records: [
        {
          recordId: 'record-0',
          result: 'Ok',
          data: 'aGVsbG8=',
          metadata: { partitionKeys: { fn: 'orders' } },
        },
        { recordId: 'record-1', result: 'ProcessingFailed', data: '' },
        { recordId: 'record-2', result: 'Dropped', data: '' },
      ],
    });
    expect(built.bytes).toBe(Buffer.byteLength(JSON.stringify(built.response)));
    expect(built.overflowed).toEqual([]);
    expect(built.unanswered).toEqual([]);
  });

  it('answers records without an outcome ProcessingFailed, so Firehose does not fail the batch', () => {
    const built = buildTransformationResponse(ids(3), [
      { recordId: 'record-1', result: 'Ok', data: Buffer.from('x') },
    ]);
    expect(built.response.records.map((r) => r.result)).toEqual([
      'ProcessingFailed',
      'Ok',
      'ProcessingFailed',
    ]);
    expect(built.unanswered).toEqual(['record-0', 'record-2']);
  });

  it('refuses an outcome for a record that is not in the event, or two for one record', () => {
    const unknown = failure(() => buildTransformationResponse(ids(1), [{ recordId: 'nope', result: 'Ok' }]));
    expect([unknown.code, unknown.message]).toEqual([
      'INVALID_RECORD_ID',
      'outcome for record "nope", which is not in the event',
    ]);
    const twice = failure(() =>
      buildTransformationResponse(ids(1), [
        { recordId: 'record-0', result: 'Ok' },
        { recordId: 'record-0', result: 'Dropped' },
      ]),
    );
    expect(twice.message).toBe('two outcomes for record "record-0"');
  });

  it('fails the records whose data does not fit in 6 MiB, in event order, and stays under the limit', () => {
    // Ten records transformed to 1 MB each: 1.33 MB of base64 each, so four fit in 6 MiB.
    const outcomes = ids(10).map(({ recordId }) => ({
      recordId,
      result: 'Ok' as const,
      data: Buffer.alloc(1_000_000, 7),
    }));
    const built = buildTransformationResponse(ids(10), outcomes);
    expect(built.response.records.map((r) => r.result)).toEqual([
      ...Array(4).fill('Ok'),
      ...Array(6).fill('ProcessingFailed'),
    ]);
    expect(built.overflowed).toEqual(
      ids(10)
        .slice(4)
        .map((r) => r.recordId),
    );
    const serialized = Buffer.byteLength(JSON.stringify(built.response));
    expect(serialized).toBe(built.bytes);
    expect(serialized).toBeLessThanOrEqual(MAX_TRANSFORMATION_RESPONSE_BYTES);
  });

  it('lets a later, smaller record take the room a larger one could not', () => {
    const outcomes: TransformationOutcome[] = [
      { recordId: 'record-0', result: 'Ok', data: Buffer.alloc(600) },
      { recordId: 'record-1', result: 'Ok', data: Buffer.alloc(600) },
      { recordId: 'record-2', result: 'Ok', data: Buffer.alloc(30) },
    ];
    const built = buildTransformationResponse(ids(3), outcomes, { maxBytes: 1200 });
    expect(built.response.records.map((r) => r.result)).toEqual(['Ok', 'ProcessingFailed', 'Ok']);
    expect(built.bytes).toBeLessThanOrEqual(1200);
  });

  it('fits exactly at the limit', () => {
    const outcome = { recordId: 'record-0', result: 'Ok' as const, data: Buffer.alloc(300) };
    const exact = Buffer.byteLength(
      JSON.stringify({
        records: [{ recordId: 'record-0', result: 'Ok', data: Buffer.alloc(300).toString('base64') }],
      }),
    );
    expect(buildTransformationResponse(ids(1), [outcome], { maxBytes: exact }).overflowed).toEqual([]);
    expect(buildTransformationResponse(ids(1), [outcome], { maxBytes: exact - 1 }).overflowed).toEqual([
      'record-0',
    ]);
  });

  it('refuses when not even a ProcessingFailed answer for every record fits', () => {
    const error = failure(() => buildTransformationResponse(ids(100), [], { maxBytes: 1000 }));
    expect(error.code).toBe('RESPONSE_TOO_LARGE');
    expect(error.message).toMatch(
      /^answering 100 records needs at least \d+ bytes, more than the limit of 1000$/,
    );
  });
});
