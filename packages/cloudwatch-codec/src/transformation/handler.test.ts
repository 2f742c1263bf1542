import { decodeMetricsProtobuf } from '@firefly/otlp-codec';
import { describe, expect, it } from 'vitest';
import { jsonRecord, lambdaDatums } from '../../test-support/metric-stream.js';
import { handler } from '../../test-support/transformer.js';
import { decodeMetricStream, type TransformationResponse } from '../index.js';

describe('the README transformation Lambda', () => {
  it('turns metric stream records into OTLP, drops empty ones and fails unreadable ones', async () => {
    const stream = jsonRecord(lambdaDatums(3, 1_764_000_000_000));
    const event = {
      invocationId: 'invocation-1',
      deliveryStreamArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/firefly-metrics',
      region: 'eu-west-1',
      records: [stream, Buffer.from('\n'), Buffer.from('not json\n')].map((data, i) => ({
        recordId: `record-${i}`,
        approximateArrivalTimestamp: 1_764_000_061_000,
        data: data.toString('base64'),
      })),
    };
    const response = (await handler(event)) as TransformationResponse;
    expect(response.records.map((r) => [r.recordId, r.result])).toEqual([
      ['record-0', 'Ok'],
      ['record-1', 'Dropped'],
      ['record-2', 'ProcessingFailed'],
    ]);
    const otlp = decodeMetricsProtobuf(Buffer.from(response.records[0]?.data ?? '', 'base64'));
    expect(otlp.points).toHaveLength(lambdaDatums(3, 0).length);
    const direct = decodeMetricStream([stream], 'json').points;
    // OTLP groups points by metric; compare in one order.
    const view = (points: typeof direct) =>
      points
        .map((p) => `${p.metric.name} ${p.metric.unit} ${JSON.stringify(p.attributes)} ${p.timeUnixNano}`)
        .sort();
    expect(view(otlp.points as typeof direct)).toEqual(view(direct));
  });
});
