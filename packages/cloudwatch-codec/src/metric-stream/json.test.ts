import type { SummaryPoint } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { jsonLine, jsonRecord, lambdaDatums } from '../../test-support/metric-stream.js';
import { decodeMetricStream, decodeMetricStreamJson, percentileQuantile, ucumUnit } from '../index.js';

// AWS's example of the JSON output format ("CloudWatch metric stream output in JSON format"),
// on one line as a stream sends it.
const AWS_EXAMPLE = JSON.stringify({
  metric_stream_name: 'MyMetricStream',
  account_id: '1234567890',
  region: 'us-east-1',
  namespace: 'AWS/EC2',
  metric_name: 'DiskWriteOps',
  dimensions: { InstanceId: 'i-123456789012' },
  timestamp: 1611929698000,
  value: { count: 3.0, sum: 20.0, max: 18.0, min: 0.0, p99: 17.56, 'p99.9': 17.8764, 'TM(25%:75%)': 16.43 },
  unit: 'Seconds',
});

const utf8 = (text: string) => Buffer.from(text);

describe('decodeMetricStreamJson', () => {
  it("maps AWS's documented example to a summary point", () => {
    const { points, rejected, errorMessage } = decodeMetricStreamJson(utf8(`${AWS_EXAMPLE}\n`));
    expect(rejected).toBe(0);
    expect(errorMessage).toBe('');
    expect(points).toHaveLength(1);
    const point = points[0] as SummaryPoint;
    expect(point.metric.name).toBe('amazonaws.com/AWS/EC2/DiskWriteOps');
    expect(point.metric.unit).toBe('s');
    expect(point.metric.description).toBe('');
    expect(point.metric.metadata).toEqual({ Namespace: 'AWS/EC2', MetricName: 'DiskWriteOps' });
    expect(point.metric.resource.attributes).toEqual({
      'cloud.provider': 'aws',
      'cloud.account.id': '1234567890',
      'cloud.region': 'us-east-1',
      'aws.exporter.arn': 'arn:aws:cloudwatch:us-east-1:1234567890:metric-stream/MyMetricStream',
    });
    expect(point.metric.resource.serviceName).toBe('unknown_service');
    expect(point.metric.scope).toMatchObject({ name: '', version: '' });
    expect(point).toMatchObject({
      type: 'summary',
      attributes: { InstanceId: 'i-123456789012' },
      startTimeUnixNano: 1_611_929_698_000_000_000n,
      timeUnixNano: 1_611_929_758_000_000_000n,
      flags: 0,
      count: 3n,
      sum: 20,
      quantiles: [
        { quantile: 0, value: 0 },
        { quantile: 0.99, value: 17.56 },
        { quantile: 0.999, value: 17.8764 },
        { quantile: 1, value: 18 },
      ],
      statistics: { 'TM(25%:75%)': 16.43 },
    });
  });

  it('reads every line of a record, with or without a final newline, CRLF and blank lines', () => {
    const datums = lambdaDatums(3, 1_764_000_000_000);
    const lines = datums.map(jsonLine);
    for (const text of [lines.join('\n'), `${lines.join('\r\n')}\r\n`, `\n${lines.join('\n\n   \n')}\n\n`]) {
      const { points, rejected } = decodeMetricStreamJson(utf8(text));
      expect(rejected).toBe(0);
      expect(points.map((p) => p.metric.metadata.MetricName)).toEqual(datums.map((d) => d.metricName));
    }
  });

  it('keeps every dimension as an attribute under its CloudWatch name', () => {
    const datums = lambdaDatums(1, 1_764_000_000_000);
    const { points } = decodeMetricStreamJson(jsonRecord(datums));
    expect(points.map((p) => p.attributes)).toEqual(datums.map((d) => d.dimensions));
    expect(points[4]?.attributes).toEqual({
      FunctionName: 'orders-0000',
      Resource: 'orders-0000:live',
      ExecutedVersion: '42',
    });
  });

  it('shares one resource and one metric object among the points they belong to', () => {
    const { points } = decodeMetricStream(
      [jsonRecord(lambdaDatums(4, 0)), jsonRecord(lambdaDatums(4, 60_000))],
      'json',
    );
    expect(new Set(points.map((p) => p.metric.resource)).size).toBe(1);
    const durations = points.filter((p) => p.metric.metadata.MetricName === 'Duration');
    expect(durations).toHaveLength(16);
    expect(new Set(durations.map((p) => p.metric)).size).toBe(1);
    expect(new Set(points.map((p) => p.metric)).size).toBe(5);
  });

  it('skips and counts bad lines, names them, and keeps the rest', () => {
    const good = lambdaDatums(1, 1_764_000_000_000).slice(0, 3).map(jsonLine);
    const example = JSON.parse(AWS_EXAMPLE);
    const bad = [
      '{"metric_stream_name": "MyMetricStream", "account_id": ', // truncated
      '[1, 2]',
      JSON.stringify({ ...example, namespace: '' }),
      JSON.stringify({ ...example, timestamp: '1611929698000' }),
      JSON.stringify({ ...example, value: { ...example.value, count: 2.5 } }),
      JSON.stringify({ ...example, value: { sum: 1 } }),
      JSON.stringify({ ...example, dimensions: { InstanceId: 7 } }),
      JSON.stringify({ ...example, value: { ...example.value, p99: null } }),
    ];
    const text = [good[0], ...bad.slice(0, 4), good[1], ...bad.slice(4), good[2]].join('\n');
    const { points, rejected, errorMessage } = decodeMetricStreamJson(utf8(text));
    expect(points.map((p) => p.metric.metadata.MetricName)).toEqual(['Invocations', 'Errors', 'Throttles']);
    expect(rejected).toBe(bad.length);
    expect(errorMessage).toMatch(/^line 2: not JSON \(/);
    expect(errorMessage).toContain('line 3: not a JSON object, got [1,2]');
    expect(errorMessage).toContain('line 4: "namespace" must be a non-empty string, got ""');
    expect(errorMessage).toContain('line 5: "timestamp" must be a non-negative integer (epoch milliseconds)');
    expect(errorMessage).toContain('line 7: "value.count" must be a non-negative integer, got 2.5');
    expect(errorMessage).toMatch(/; and 3 more$/);
    const rest = decodeMetricStreamJson(utf8(bad.slice(5).join('\n'))).errorMessage;
    expect(rest).toBe(
      'line 1: "value.count" is missing; line 2: "dimensions.InstanceId" must be a string, got 7; line 3: "value.p99" must be a number, got null',
    );
  });

  it('rejects only the line that is not UTF-8', () => {
    const lines = lambdaDatums(1, 0).slice(0, 2).map(jsonLine);
    const record = Buffer.concat([
      utf8(`${lines[0]}\n`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
      utf8(lines[1] as string),
    ]);
    const { points, rejected, errorMessage } = decodeMetricStream([record], 'json');
    expect(points).toHaveLength(2);
    expect(rejected).toBe(1);
    expect(errorMessage).toBe('records[0] line 2: not valid UTF-8');
  });

  it('keeps keys like __proto__ as ordinary dimensions and statistics', () => {
    const line = AWS_EXAMPLE.replace('"InstanceId"', '"__proto__"').replace('"TM(25%:75%)"', '"__proto__"');
    const point = decodeMetricStreamJson(utf8(line)).points[0] as SummaryPoint;
    expect(Object.keys(point.attributes)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(point.attributes)).toBe(Object.prototype);
    expect(Object.keys(point.statistics)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(point.statistics)).toBe(Object.prototype);
  });

  it('keeps a percentile that collides with min or max as a statistic, so quantiles stay distinct', () => {
    const example = JSON.parse(AWS_EXAMPLE);
    const line = JSON.stringify({ ...example, value: { ...example.value, p0: 0.5, p100: 18, 'p99.0': 17 } });
    const point = decodeMetricStreamJson(utf8(line)).points[0] as SummaryPoint;
    expect(point.quantiles.map((q) => q.quantile)).toEqual([0, 0.99, 0.999, 1]);
    expect(point.statistics).toEqual({ 'TM(25%:75%)': 16.43, p0: 0.5, p100: 18, 'p99.0': 17 });
  });

  it('derives the metric stream ARN in the partition of the region', () => {
    const line = (region: string) => AWS_EXAMPLE.replace('us-east-1', region);
    const arns = ['cn-north-1', 'us-gov-west-1', 'eu-west-1'].map(
      (region) =>
        decodeMetricStreamJson(utf8(line(region))).points[0]?.metric.resource.attributes['aws.exporter.arn'],
    );
    expect(arns).toEqual([
      'arn:aws-cn:cloudwatch:cn-north-1:1234567890:metric-stream/MyMetricStream',
      'arn:aws-us-gov:cloudwatch:us-gov-west-1:1234567890:metric-stream/MyMetricStream',
      'arn:aws:cloudwatch:eu-west-1:1234567890:metric-stream/MyMetricStream',
    ]);
  });
});

describe('percentileQuantile', () => {
  it('moves the decimal point in the text, giving the double AWS writes', () => {
    expect(percentileQuantile('p99.9')).toBe(0.999);
    expect(99.9 / 100).not.toBe(0.999);
    expect(['p50', 'p5', 'P95', 'p99.99', 'p0', 'p100', 'p100.0'].map(percentileQuantile)).toEqual([
      0.5, 0.05, 0.95, 0.9999, 0, 1, 1,
    ]);
  });

  it('says undefined for names that are not percentiles', () => {
    expect(['p101', 'p100.5', 'tm99', 'TM(25%:75%)', 'p', 'p9x', 'PR(:300)'].map(percentileQuantile)).toEqual(
      Array(7).fill(undefined),
    );
  });
});

describe('ucumUnit', () => {
  it("follows AWS's translation table, including units joined by a slash", () => {
    const units = ['Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabits', 'Gigabits'];
    expect(units.map(ucumUnit)).toEqual(['s', 'us', 'ms', 'By', 'kBy', 'MBit', 'GBit']);
    expect(['Percent', 'Count', 'None', 'Bytes/Second', 'Count/Second'].map(ucumUnit)).toEqual([
      '%',
      '{Count}',
      '1',
      'By/s',
      '{Count}/s',
    ]);
  });

  it('keeps a unit outside the table as it is', () => {
    expect(['Widgets', 'Count/Widget', 'constructor', ''].map(ucumUnit)).toEqual([
      'Widgets',
      'Count/Widget',
      'constructor',
      '',
    ]);
  });
});
