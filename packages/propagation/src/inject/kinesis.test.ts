import { KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractContext } from '../extract/extract-context.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../testing/aws-endpoint.js';
import { SENDER_TRACEPARENT, senderContext } from '../testing/spans.js';
import { instrumentAwsClient } from './middleware.js';

const STREAM_ARN = 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream';

let endpoint: AwsEndpoint;
let optedIn: KinesisClient;
let byDefault: KinesisClient;

beforeAll(async () => {
  endpoint = await startAwsEndpoint(
    ({ headers, body }) => {
      const response =
        headers['x-amz-target'] === 'Kinesis_20131202.PutRecords'
          ? {
              FailedRecordCount: 0,
              Records: JSON.parse(body).Records.map((_: unknown, i: number) => ({
                SequenceNumber: `${i}`,
                ShardId: 'shardId-000000000000',
              })),
            }
          : { SequenceNumber: '1', ShardId: 'shardId-000000000000' };
      return { headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(response) };
    },
    { http2: true },
  );
  optedIn = instrumentAwsClient(new KinesisClient(clientConfig(endpoint.url)), {
    getContext: senderContext,
    kinesis: true,
  });
  byDefault = instrumentAwsClient(new KinesisClient(clientConfig(endpoint.url)), {
    getContext: senderContext,
  });
});
afterAll(async () => {
  optedIn.destroy();
  byDefault.destroy();
  await endpoint.close();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const sentBody = () => JSON.parse(endpoint.requests.at(-1)?.body ?? '{}');
const decode = (base64: string) => Buffer.from(base64, 'base64').toString('utf8');

describe('Kinesis PutRecord / PutRecords', () => {
  it('leaves record data alone by default', async () => {
    await byDefault.send(
      new PutRecordCommand({ StreamARN: STREAM_ARN, PartitionKey: 'k', Data: bytes('{"a":1}') }),
    );
    expect(decode(sentBody().Data)).toBe('{"a":1}');
  });

  it('with kinesis: true, adds _firefly to JSON-object data, which the consumer links to', async () => {
    await optedIn.send(
      new PutRecordsCommand({
        StreamARN: STREAM_ARN,
        Records: [
          { PartitionKey: 'k', Data: bytes('{"orderId":"1"}') },
          { PartitionKey: 'k', Data: bytes('raw bytes') },
          { PartitionKey: 'k', Data: bytes('{"orderId":"2"}') },
        ],
      }),
    );
    const sent: { Data: string }[] = sentBody().Records;
    expect(JSON.parse(decode(sent[0]?.Data ?? ''))).toEqual({
      orderId: '1',
      _firefly: { traceparent: SENDER_TRACEPARENT },
    });
    expect(decode(sent[1]?.Data ?? '')).toBe('raw bytes');
    const event = {
      Records: sent.map((record, i) => ({
        kinesis: {
          partitionKey: 'k',
          sequenceNumber: `${i}`,
          data: record.Data,
          kinesisSchemaVersion: '1.0',
        },
        eventSource: 'aws:kinesis',
        eventSourceARN: STREAM_ARN,
      })),
    };
    const extracted = extractContext(event, undefined, { xrayTraceId: '' });
    expect(extracted.source).toBe('kinesis');
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(
      extracted.links.map((link) => [link.context.spanId, link.attributes?.['messaging.message.id']]),
    ).toEqual([
      ['53995c3f42cd8ad8', '0'],
      ['53995c3f42cd8ad8', '2'],
    ]);
  });

  it('with kinesis: true, injects PutRecord', async () => {
    await optedIn.send(
      new PutRecordCommand({ StreamARN: STREAM_ARN, PartitionKey: 'k', Data: bytes('{"a":1}') }),
    );
    expect(JSON.parse(decode(sentBody().Data))._firefly.traceparent).toBe(SENDER_TRACEPARENT);
  });
});
