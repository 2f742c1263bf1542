import type { SummaryPoint } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import {
  delimited,
  ExportMetricsServiceRequest,
  lambdaDatums,
  otelRecord,
  otelRequest,
} from '../../test-support/metric-stream.js';
import { decodeMetricStream, decodeMetricStreamOtel } from '../index.js';

const str = (stringValue: string) => ({ stringValue });

/** Shaped as AWS's OpenTelemetry 1.0.0 example (DynamoDB ConsumedReadCapacityUnits, MyTable). */
function awsExample(points = 2) {
  return {
    resourceMetrics: [
      {
        resource: {
          attributes: [
            { key: 'cloud.provider', value: str('aws') },
            { key: 'cloud.account.id', value: str('123456789012') },
            { key: 'cloud.region', value: str('us-east-1') },
            {
              key: 'aws.exporter.arn',
              value: str('arn:aws:cloudwatch:us-east-1:123456789012:metric-stream/MyMetricStream'),
            },
          ],
        },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'amazonaws.com/AWS/DynamoDB/ConsumedReadCapacityUnits',
                unit: '{Count}',
                summary: {
                  dataPoints: Array.from({ length: points }, (_, i) => ({
                    attributes: [
                      { key: 'Namespace', value: str('AWS/DynamoDB') },
                      { key: 'MetricName', value: str('ConsumedReadCapacityUnits') },
                      {
                        key: 'Dimensions',
                        value: { kvlistValue: { values: [{ key: 'TableName', value: str('MyTable') }] } },
                      },
                    ],
                    startTimeUnixNano: String(60_000_000_000 * (i + 1)),
                    timeUnixNano: String(60_000_000_000 * (i + 2)),
                    count: String(i + 1),
                    sum: 1 + 4 * i,
                    quantileValues: [
                      { quantile: 0, value: 1 + i },
                      { quantile: 0.99, value: 1 + 1.5 * i },
                      { quantile: 1, value: 1 + 2 * i },
                    ],
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('decodeMetricStreamOtel', () => {
  it("maps AWS's documented layout to summary points", () => {
    const { points, rejected } = decodeMetricStreamOtel(delimited(awsExample()));
    expect(rejected).toBe(0);
    expect(points).toHaveLength(2);
    const point = points[1] as SummaryPoint;
    expect(point.metric).toMatchObject({
      name: 'amazonaws.com/AWS/DynamoDB/ConsumedReadCapacityUnits',
      unit: '{Count}',
      description: '',
      metadata: { Namespace: 'AWS/DynamoDB', MetricName: 'ConsumedReadCapacityUnits' },
    });
    expect(point.metric.resource.attributes).toEqual({
      'cloud.provider': 'aws',
      'cloud.account.id': '123456789012',
      'cloud.region': 'us-east-1',
      'aws.exporter.arn': 'arn:aws:cloudwatch:us-east-1:123456789012:metric-stream/MyMetricStream',
    });
    expect(point).toMatchObject({
      type: 'summary',
      attributes: { TableName: 'MyTable' },
      startTimeUnixNano: 120_000_000_000n,
      timeUnixNano: 180_000_000_000n,
      count: 2n,
      sum: 5,
      quantiles: [
        { quantile: 0, value: 2 },
        { quantile: 0.99, value: 2.5 },
        { quantile: 1, value: 3 },
      ],
      statistics: {},
    });
    expect(Object.keys(point.attributes)).toEqual(['TableName']);
  });

  it('reads every length-delimited message of a record and shares resources and metrics across them', () => {
    const datums = lambdaDatums(5, 1_764_000_000_000);
    const record = otelRecord(datums, 7);
    expect((record[0] as number) & 0x80).toBe(0x80); // multi-byte length prefixes
    const { points, rejected } = decodeMetricStreamOtel(record);
    expect(rejected).toBe(0);
    expect(points).toHaveLength(datums.length);
    expect(new Set(points.map((p) => p.metric.resource)).size).toBe(1);
    expect(new Set(points.map((p) => p.metric)).size).toBe(5);
  });

  it('skips a message that does not decode, counts it, and goes on with the next one', () => {
    const good = delimited(awsExample(1));
    // A length prefix of 3 followed by a field tag that claims 100 bytes: framing intact, content broken.
    const broken = Uint8Array.from([3, 0x0a, 100, 0]);
    const { points, rejected, errorMessage } = decodeMetricStream(
      [Buffer.concat([good, broken, good])],
      'opentelemetry1.0',
    );
    expect(points).toHaveLength(2);
    expect(rejected).toBe(1);
    expect(errorMessage).toMatch(/^records\[0\] message 2: /);
  });

  it('keeps the messages before a truncated one and counts the truncated one', () => {
    const good = delimited(awsExample(1));
    const record = Buffer.concat([good, good, good.subarray(0, good.length - 5)]);
    const { points, rejected, errorMessage } = decodeMetricStreamOtel(record);
    expect(points).toHaveLength(2);
    expect(rejected).toBe(1);
    expect(errorMessage).toBe(
      `message 3: declares ${good.length - 2} bytes but only ${good.length - 7} are left in the record; skipped`,
    );
  });

  it('reads a length prefix padded to more bytes than its value needs', () => {
    const body = ExportMetricsServiceRequest.encode(
      ExportMetricsServiceRequest.fromObject(awsExample(1)),
    ).finish();
    // The length as a 5-byte varint: valid protobuf, though no encoder we know writes it so.
    const padded = Uint8Array.from([
      (body.length & 0x7f) | 0x80,
      ((body.length >> 7) & 0x7f) | 0x80,
      0x80,
      0x80,
      0x00,
    ]);
    const record = Buffer.concat([padded, body, delimited(awsExample(1))]);
    const { points, rejected, errorMessage } = decodeMetricStreamOtel(record);
    expect({ rejected, errorMessage }).toEqual({ rejected: 0, errorMessage: '' });
    expect(points).toHaveLength(2);
  });

  it('skips the rest of the record when a length prefix is not a varint32', () => {
    const good = delimited(awsExample(1));
    const record = Buffer.concat([good, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]), good]);
    const { points, rejected, errorMessage } = decodeMetricStreamOtel(record);
    expect(points).toHaveLength(1);
    expect(rejected).toBe(1);
    expect(errorMessage).toBe(
      `message 2: the length prefix at byte ${good.length} is not a varint32; the last ${record.length - good.length} bytes of the record are skipped`,
    );
  });

  it('rejects points that are not CloudWatch summaries, naming the metric', () => {
    const request = awsExample(1);
    const gauge = { name: 'my.gauge', gauge: { dataPoints: [{ asDouble: 1 }] } };
    const noAttributes = {
      name: 'amazonaws.com/AWS/SQS/NumberOfMessagesSent',
      summary: { dataPoints: [{ count: '1', sum: 1 }] },
    };
    const badDimensions = {
      name: 'amazonaws.com/AWS/SQS/NumberOfMessagesSent',
      summary: {
        dataPoints: [
          {
            attributes: [
              { key: 'Namespace', value: str('AWS/SQS') },
              { key: 'MetricName', value: str('NumberOfMessagesSent') },
              { key: 'Dimensions', value: str('QueueName=orders') },
            ],
          },
        ],
      },
    };
    request.resourceMetrics[0]?.scopeMetrics[0]?.metrics.push(
      gauge as never,
      noAttributes as never,
      badDimensions as never,
    );
    const { points, rejected, errorMessage } = decodeMetricStreamOtel(delimited(request));
    expect(points).toHaveLength(1);
    expect(rejected).toBe(3);
    expect(errorMessage).toBe(
      [
        'message 1: metric "my.gauge" has a gauge point; CloudWatch metric streams send only summaries',
        'message 1: metric "amazonaws.com/AWS/SQS/NumberOfMessagesSent" has a data point without string Namespace and MetricName attributes (is the stream in opentelemetry0.7 format? only opentelemetry1.0 is supported)',
        'message 1: metric "amazonaws.com/AWS/SQS/NumberOfMessagesSent" has a data point whose Dimensions attribute is not a key-value list',
      ].join('; '),
    );
  });

  it('sorts quantiles that arrive out of order', () => {
    const request = awsExample(1);
    const point = request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.summary.dataPoints[0];
    point?.quantileValues.reverse();
    const decoded = decodeMetricStreamOtel(delimited(request)).points[0];
    expect(decoded?.quantiles.map((q) => q.quantile)).toEqual([0, 0.99, 1]);
  });

  it('counts data points the OTLP decoder itself rejects', () => {
    const request = otelRequest(lambdaDatums(1, 0).slice(0, 2)) as ReturnType<typeof awsExample>;
    request.resourceMetrics[0]?.scopeMetrics[0]?.metrics.push({
      name: '',
      summary: { dataPoints: [{}] },
    } as never);
    const { points, rejected, errorMessage } = decodeMetricStreamOtel(delimited(request));
    expect(points).toHaveLength(2);
    expect(rejected).toBe(1);
    expect(errorMessage).toContain('message 1: metric "" summary point: the metric has no name');
  });

  it('reads an empty message and an empty record as no points', () => {
    expect(decodeMetricStreamOtel(Uint8Array.from([0, 0]))).toEqual({
      points: [],
      rejected: 0,
      errorMessage: '',
    });
    expect(decodeMetricStreamOtel(new Uint8Array(0))).toEqual({ points: [], rejected: 0, errorMessage: '' });
  });

  it('flattens Dimensions into attributes, keeps attributes AWS may add, and lets a dimension win a clash', () => {
    const request = awsExample(1);
    const point = request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.summary.dataPoints[0];
    point?.attributes.push(
      { key: 'aws.source', value: str('future') } as never,
      { key: 'TableName', value: str('loses') } as never,
    );
    expect(decodeMetricStreamOtel(delimited(request)).points[0]?.attributes).toEqual({
      'aws.source': 'future',
      TableName: 'MyTable',
    });
  });

  it('reads a data point without Dimensions as one without attributes', () => {
    const request = awsExample(1);
    const point = request.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.summary.dataPoints[0];
    point?.attributes.pop();
    expect(decodeMetricStreamOtel(delimited(request)).points[0]?.attributes).toEqual({});
  });
});
