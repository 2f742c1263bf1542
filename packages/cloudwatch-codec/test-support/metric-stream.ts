// Builds CloudWatch metric stream records exactly as AWS documents them, from one neutral
// description of the data, so the JSON and OpenTelemetry 1.0 decoders can be fed the same data.
// Nothing here reuses the package's own mapping code: units and quantiles are written out by hand.
import { createRequire } from 'node:module';

const reference = createRequire(import.meta.url)('otlp-protobufjs-reference/build/src/generated/root.js');
export const ExportMetricsServiceRequest =
  reference.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

/** One CloudWatch data point: a metric's statistics over one minute. */
export interface Datum {
  streamName: string;
  accountId: string;
  region: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Start of the minute, epoch milliseconds. */
  timestamp: number;
  unit: string;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Percentile statistics by CloudWatch name; both formats carry them. */
  percentiles: Record<string, number>;
  /** Statistics only the JSON format can carry (trimmed mean and so on). */
  jsonOnly?: Record<string, number>;
}

/** AWS's unit translation for the units used here ("Translations with OpenTelemetry 1.0.0 format"). */
export const OTEL_UNIT: Record<string, string> = {
  Count: '{Count}',
  Milliseconds: 'ms',
  Seconds: 's',
  None: '1',
  Percent: '%',
  'Bytes/Second': 'By/s',
};

export const QUANTILE: Record<string, number> = { p50: 0.5, p90: 0.9, p95: 0.95, p99: 0.99, 'p99.9': 0.999 };

export const STREAM = { streamName: 'firefly-metrics', accountId: '123456789012', region: 'eu-west-1' };

/** A deterministic PRNG (mulberry32) so every run builds the same data. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * AWS/Lambda metrics for one minute of `functions` functions, as a metric stream sends them:
 * Invocations, Errors, Throttles and Duration (with p50, p90, p99, p99.9) per function, per
 * function version (Resource, ExecutedVersion), and ConcurrentExecutions per function and for the
 * account.
 */
export function lambdaDatums(functions: number, timestamp: number, seed = 1): Datum[] {
  const next = random(seed);
  const datums: Datum[] = [];
  const base = { ...STREAM, namespace: 'AWS/Lambda', timestamp, percentiles: {} };
  for (let f = 0; f < functions; f++) {
    const name = `orders-${f.toString().padStart(4, '0')}`;
    const perFunction: Record<string, string>[] = [
      { FunctionName: name },
      { FunctionName: name, Resource: `${name}:live`, ExecutedVersion: '42' },
    ];
    for (const dimensions of perFunction) {
      const invocations = 1 + Math.floor(next() * 500);
      const errors = Math.floor(next() * 3);
      datums.push({ ...base, metricName: 'Invocations', dimensions, unit: 'Count', ...counter(invocations) });
      datums.push({ ...base, metricName: 'Errors', dimensions, unit: 'Count', ...counter(errors) });
      datums.push({ ...base, metricName: 'Throttles', dimensions, unit: 'Count', ...counter(0) });
      const durations = Array.from({ length: invocations }, () => 20 + next() * next() * 900).sort(
        (a, b) => a - b,
      );
      datums.push({
        ...base,
        metricName: 'Duration',
        dimensions,
        unit: 'Milliseconds',
        count: invocations,
        sum: durations.reduce((s, d) => s + d, 0),
        min: durations[0] as number,
        max: durations[durations.length - 1] as number,
        percentiles: {
          p50: at(durations, 0.5),
          p90: at(durations, 0.9),
          p99: at(durations, 0.99),
          'p99.9': at(durations, 0.999),
        },
      });
    }
    const concurrency = 1 + Math.floor(next() * 40);
    datums.push({
      ...base,
      metricName: 'ConcurrentExecutions',
      dimensions: { FunctionName: name },
      unit: 'Count',
      count: 60,
      sum: concurrency * 60,
      min: 0,
      max: concurrency,
      percentiles: {},
    });
  }
  datums.push({ ...base, metricName: 'ConcurrentExecutions', dimensions: {}, unit: 'Count', ...counter(3) });
  return datums;
}

function counter(value: number) {
  // CloudWatch aggregates a count metric's one-per-invocation samples; one sample per minute here.
  return { count: 1, sum: value, min: value, max: value, percentiles: {} };
}

function at(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/** One line of the JSON output format, with keys in the order of AWS's example. */
export function jsonLine(d: Datum): string {
  return JSON.stringify({
    metric_stream_name: d.streamName,
    account_id: d.accountId,
    region: d.region,
    namespace: d.namespace,
    metric_name: d.metricName,
    dimensions: d.dimensions,
    timestamp: d.timestamp,
    value: { max: d.max, min: d.min, sum: d.sum, count: d.count, ...d.percentiles, ...d.jsonOnly },
    unit: d.unit,
  });
}

/** A JSON-format Firehose record: newline-separated objects. */
export function jsonRecord(datums: readonly Datum[]): Buffer {
  return Buffer.from(`${datums.map(jsonLine).join('\n')}\n`);
}

const str = (stringValue: string) => ({ stringValue });

/**
 * An `ExportMetricsServiceRequest` laid out as AWS's OpenTelemetry 1.0.0 example: a resource with
 * cloud.provider, cloud.account.id, cloud.region and aws.exporter.arn; one scope_metrics without a
 * scope; one summary metric per CloudWatch metric; Namespace, MetricName and Dimensions attributes.
 */
export function otelRequest(datums: readonly Datum[]): object {
  const byStream = new Map<string, Datum[]>();
  for (const d of datums) {
    const key = `${d.accountId}/${d.region}/${d.streamName}`;
    byStream.set(key, [...(byStream.get(key) ?? []), d]);
  }
  return {
    resourceMetrics: [...byStream.values()].map((group) => {
      const { accountId, region, streamName } = group[0] as Datum;
      const metrics = new Map<string, Datum[]>();
      for (const d of group) {
        const key = `${d.namespace}/${d.metricName}/${d.unit}`;
        metrics.set(key, [...(metrics.get(key) ?? []), d]);
      }
      return {
        resource: {
          attributes: [
            { key: 'cloud.provider', value: str('aws') },
            { key: 'cloud.account.id', value: str(accountId) },
            { key: 'cloud.region', value: str(region) },
            {
              key: 'aws.exporter.arn',
              value: str(`arn:aws:cloudwatch:${region}:${accountId}:metric-stream/${streamName}`),
            },
          ],
        },
        scopeMetrics: [{ metrics: [...metrics.values()].map(otelMetric) }],
      };
    }),
  };
}

function otelMetric(points: Datum[]): object {
  const first = points[0] as Datum;
  return {
    name: `amazonaws.com/${first.namespace}/${first.metricName}`,
    unit: OTEL_UNIT[first.unit] ?? first.unit,
    summary: {
      dataPoints: points.map((d) => ({
        attributes: [
          { key: 'Namespace', value: str(d.namespace) },
          { key: 'MetricName', value: str(d.metricName) },
          {
            key: 'Dimensions',
            value: {
              kvlistValue: {
                values: Object.entries(d.dimensions).map(([key, v]) => ({ key, value: str(v) })),
              },
            },
          },
        ],
        startTimeUnixNano: (BigInt(d.timestamp) * 1_000_000n).toString(),
        timeUnixNano: ((BigInt(d.timestamp) + 60_000n) * 1_000_000n).toString(),
        count: String(d.count),
        sum: d.sum,
        quantileValues: [
          { quantile: 0, value: d.min },
          ...Object.entries(d.percentiles).map(([name, value]) => ({ quantile: QUANTILE[name], value })),
          { quantile: 1, value: d.max },
        ],
      })),
    },
  };
}

/** One length-delimited message, encoded by protobufjs from the official definitions. */
export function delimited(request: object): Uint8Array {
  return ExportMetricsServiceRequest.encodeDelimited(
    ExportMetricsServiceRequest.fromObject(request),
  ).finish();
}

/** An OpenTelemetry 1.0.0 Firehose record: `messages` length-delimited requests splitting the datums. */
export function otelRecord(datums: readonly Datum[], messages = 1): Buffer {
  const size = Math.ceil(datums.length / messages);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < datums.length; i += size) parts.push(delimited(otelRequest(datums.slice(i, i + size))));
  return Buffer.concat(parts);
}

/** Splits datums into records of `perRecord` data points each. */
export function chunk<T>(items: readonly T[], perRecord: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += perRecord) chunks.push(items.slice(i, i + perRecord));
  return chunks;
}
