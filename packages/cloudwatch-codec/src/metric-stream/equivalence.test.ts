import { describe, expect, it } from 'vitest';
import { chunk, type Datum, jsonRecord, lambdaDatums, otelRecord } from '../../test-support/metric-stream.js';
import { decodeMetricStream } from '../index.js';

const MINUTE = 1_764_000_000_000;

/** The same data as a JSON stream and as an OpenTelemetry 1.0.0 stream would deliver it. */
function bothFormats(datums: Datum[], perRecord: number) {
  const records = chunk(datums, perRecord);
  return {
    json: decodeMetricStream(records.map(jsonRecord), 'json'),
    otel: decodeMetricStream(
      records.map((r) => otelRecord(r, 3)),
      'opentelemetry1.0',
    ),
  };
}

describe('JSON and OpenTelemetry 1.0.0 streams of the same data', () => {
  it('decode to deep-equal points: resource, metric, unit, dimensions, times, count, sum, quantiles', () => {
    const datums = [...lambdaDatums(40, MINUTE, 1), ...lambdaDatums(40, MINUTE + 60_000, 2)];
    const { json, otel } = bothFormats(datums, 100);
    expect(json.rejected).toBe(0);
    expect(otel.rejected).toBe(0);
    expect(json.points).toHaveLength(datums.length);
    // The OpenTelemetry layout groups points by metric within each message; compare in one order.
    const order = (p: (typeof json.points)[number]) =>
      `${p.metric.name} ${JSON.stringify(p.attributes)} ${p.startTimeUnixNano}`;
    const sort = (points: typeof json.points) => [...points].sort((a, b) => order(a).localeCompare(order(b)));
    expect(sort(otel.points)).toEqual(sort(json.points));
    expect(sort(json.points).map((p) => p.metric.unit)).toEqual(sort(otel.points).map((p) => p.metric.unit));
  });

  it('share resources and metrics the same way', () => {
    const { json, otel } = bothFormats(lambdaDatums(10, MINUTE), 25);
    expect(new Set(json.points.map((p) => p.metric.resource)).size).toBe(1);
    expect(new Set(otel.points.map((p) => p.metric.resource)).size).toBe(1);
    expect(new Set(json.points.map((p) => p.metric)).size).toBe(
      new Set(otel.points.map((p) => p.metric)).size,
    );
  });

  it('differ only in statistics the OpenTelemetry format cannot carry', () => {
    const datums = lambdaDatums(2, MINUTE).map((d) =>
      d.metricName === 'Duration'
        ? { ...d, jsonOnly: { 'TM(25%:75%)': 180.5, wm90: 200.25, 'PR(:300)': 87.5 } }
        : d,
    );
    const { json, otel } = bothFormats(datums, 1000);
    const durations = json.points.filter((p) => p.metric.metadata.MetricName === 'Duration');
    expect(durations.map((p) => p.statistics)).toEqual(
      Array(4).fill({ 'TM(25%:75%)': 180.5, wm90: 200.25, 'PR(:300)': 87.5 }),
    );
    const withoutStatistics = (points: typeof json.points) =>
      points
        .map(({ statistics: _statistics, ...rest }) => rest)
        .sort(
          (a, b) =>
            a.metric.name.localeCompare(b.metric.name) ||
            JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)),
        );
    expect(withoutStatistics(otel.points)).toEqual(withoutStatistics(json.points));
  });
});
