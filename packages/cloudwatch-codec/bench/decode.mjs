// CloudWatch metric stream record decode: @firefly/cloudwatch-codec vs a named peer on the same
// bytes in the same run.    pnpm --filter @firefly/cloudwatch-codec bench
//
// Payload: AWS/Lambda metrics of 1,000 functions for one minute (Invocations, Errors, Throttles and
// Duration with p50/p90/p99/p99.9, per function and per function version; ConcurrentExecutions),
// 500 data points per Firehose record as a metric stream delivers them:
// - JSON output format: newline-delimited objects exactly as AWS documents them;
// - OpenTelemetry 1.0.0 output format: length-delimited ExportMetricsServiceRequest messages (100
//   data points each), encoded with encodeDelimited by protobufjs from the official definitions.
// Peers: JSON.parse of every line (the floor for any JSON decoder: no validation, no model), and
// protobufjs decodeDelimited of every message (message objects, Long timestamps, no model).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { decodeMetricStreamJson, decodeMetricStreamOtel } from '../dist/index.js';

const FUNCTIONS = 1000;
const PER_RECORD = 500;
const PER_MESSAGE = 100;
const MINUTE = 1_764_000_000_000;

const reference = createRequire(import.meta.url)('otlp-protobufjs-reference/build/src/generated/root.js');
const Request = reference.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
const { Reader } = createRequire(createRequire(import.meta.url).resolve('otlp-protobufjs-reference'))(
  'protobufjs/minimal',
);

function random(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function lambdaDatums() {
  const next = random(1);
  const base = {
    account: '123456789012',
    region: 'eu-west-1',
    stream: 'firefly-metrics',
    namespace: 'AWS/Lambda',
  };
  const datums = [];
  const counter = (v) => ({ count: 1, sum: v, min: v, max: v, percentiles: {} });
  for (let f = 0; f < FUNCTIONS; f++) {
    const name = `orders-${String(f).padStart(4, '0')}`;
    for (const dimensions of [
      { FunctionName: name },
      { FunctionName: name, Resource: `${name}:live`, ExecutedVersion: '42' },
    ]) {
      const invocations = 1 + Math.floor(next() * 500);
      datums.push({ ...base, metric: 'Invocations', dimensions, unit: 'Count', ...counter(invocations) });
      datums.push({
        ...base,
        metric: 'Errors',
        dimensions,
        unit: 'Count',
        ...counter(Math.floor(next() * 3)),
      });
      datums.push({ ...base, metric: 'Throttles', dimensions, unit: 'Count', ...counter(0) });
      const d = Array.from({ length: invocations }, () => 20 + next() * next() * 900).sort((a, b) => a - b);
      const at = (q) => d[Math.min(d.length - 1, Math.floor(q * d.length))];
      datums.push({
        ...base,
        metric: 'Duration',
        dimensions,
        unit: 'Milliseconds',
        count: invocations,
        sum: d.reduce((s, x) => s + x, 0),
        min: d[0],
        max: d[d.length - 1],
        percentiles: { p50: at(0.5), p90: at(0.9), p99: at(0.99), 'p99.9': at(0.999) },
      });
    }
    const c = 1 + Math.floor(next() * 40);
    datums.push({
      ...base,
      metric: 'ConcurrentExecutions',
      dimensions: { FunctionName: name },
      unit: 'Count',
      count: 60,
      sum: c * 60,
      min: 0,
      max: c,
      percentiles: {},
    });
  }
  return datums;
}

const jsonLine = (d) =>
  JSON.stringify({
    metric_stream_name: d.stream,
    account_id: d.account,
    region: d.region,
    namespace: d.namespace,
    metric_name: d.metric,
    dimensions: d.dimensions,
    timestamp: MINUTE,
    value: { max: d.max, min: d.min, sum: d.sum, count: d.count, ...d.percentiles },
    unit: d.unit,
  });

const QUANTILE = { p50: 0.5, p90: 0.9, p99: 0.99, 'p99.9': 0.999 };
const UNIT = { Count: '{Count}', Milliseconds: 'ms' };
const str = (stringValue) => ({ stringValue });

function otelMessage(datums) {
  const metrics = new Map();
  for (const d of datums) metrics.set(d.metric, [...(metrics.get(d.metric) ?? []), d]);
  const { account, region, stream } = datums[0];
  return Request.encodeDelimited(
    Request.fromObject({
      resourceMetrics: [
        {
          resource: {
            attributes: [
              { key: 'cloud.provider', value: str('aws') },
              { key: 'cloud.account.id', value: str(account) },
              { key: 'cloud.region', value: str(region) },
              {
                key: 'aws.exporter.arn',
                value: str(`arn:aws:cloudwatch:${region}:${account}:metric-stream/${stream}`),
              },
            ],
          },
          scopeMetrics: [
            {
              metrics: [...metrics.values()].map((points) => ({
                name: `amazonaws.com/${points[0].namespace}/${points[0].metric}`,
                unit: UNIT[points[0].unit],
                summary: {
                  dataPoints: points.map((d) => ({
                    attributes: [
                      { key: 'Namespace', value: str(d.namespace) },
                      { key: 'MetricName', value: str(d.metric) },
                      {
                        key: 'Dimensions',
                        value: {
                          kvlistValue: {
                            values: Object.entries(d.dimensions).map(([key, v]) => ({ key, value: str(v) })),
                          },
                        },
                      },
                    ],
                    startTimeUnixNano: String(BigInt(MINUTE) * 1_000_000n),
                    timeUnixNano: String(BigInt(MINUTE + 60_000) * 1_000_000n),
                    count: String(d.count),
                    sum: d.sum,
                    quantileValues: [
                      { quantile: 0, value: d.min },
                      ...Object.entries(d.percentiles).map(([n, value]) => ({
                        quantile: QUANTILE[n],
                        value,
                      })),
                      { quantile: 1, value: d.max },
                    ],
                  })),
                },
              })),
            },
          ],
        },
      ],
    }),
  ).finish();
}

function records(format) {
  const datums = lambdaDatums();
  const out = [];
  for (let i = 0; i + PER_RECORD <= datums.length; i += PER_RECORD) {
    const chunk = datums.slice(i, i + PER_RECORD);
    if (format === 'json') out.push(Buffer.from(`${chunk.map(jsonLine).join('\n')}\n`));
    else {
      const parts = [];
      for (let j = 0; j < chunk.length; j += PER_MESSAGE)
        parts.push(otelMessage(chunk.slice(j, j + PER_MESSAGE)));
      out.push(Buffer.concat(parts));
    }
  }
  return out;
}

const DECODERS = {
  json: {
    ours: (r) => decodeMetricStreamJson(r).points.length,
    'JSON.parse per line': (r) => {
      let n = 0;
      for (const line of r.toString('utf8').split('\n')) if (line !== '') n += JSON.parse(line).value ? 1 : 0;
      return n;
    },
  },
  'opentelemetry1.0': {
    ours: (r) => decodeMetricStreamOtel(r).points.length,
    'protobufjs decodeDelimited': (r) => {
      const reader = Reader.create(r);
      let n = 0;
      while (reader.pos < reader.len)
        for (const m of Request.decodeDelimited(reader).resourceMetrics[0].scopeMetrics[0].metrics)
          n += m.summary.dataPoints.length;
      return n;
    },
  },
};

function measure(decode, payloads, rounds) {
  for (let i = 0; i < 50; i++) decode(payloads[i % payloads.length]); // warm-up
  let points = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) points += decode(payloads[i % payloads.length]);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (points !== rounds * PER_RECORD)
    throw new Error(`decoded ${points} points, expected ${rounds * PER_RECORD}`);
  return rounds / seconds;
}

// Each format runs in its own process so one format's decoders do not warm or pollute the other's.
const only = process.argv.find((arg) => arg.startsWith('--format='))?.slice('--format='.length);
if (only) {
  const payloads = records(only);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 400);
  const best = {};
  for (let repeat = 0; repeat < 3; repeat++) {
    for (const [name, decode] of Object.entries(DECODERS[only])) {
      best[name] = Math.max(best[name] ?? 0, measure(decode, payloads, rounds));
    }
  }
  const bytes = payloads.reduce((s, p) => s + p.length, 0) / payloads.length;
  process.stdout.write(JSON.stringify({ best, bytes, rounds }));
} else {
  const rows = [];
  let rounds = 0;
  for (const format of Object.keys(DECODERS)) {
    const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), `--format=${format}`], {
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(child.stderr);
    const result = JSON.parse(child.stdout);
    rounds = result.rounds;
    for (const [decoder, rate] of Object.entries(result.best)) {
      rows.push({
        format,
        decoder,
        'records/s': Math.round(rate),
        'points/s': Math.round(rate * PER_RECORD),
        'MB/s': ((rate * result.bytes) / 1e6).toFixed(1),
        'bytes/record': Math.round(result.bytes),
        'ours / this': (result.best.ours / rate).toFixed(2),
      });
    }
  }
  console.log(
    `CloudWatch metric stream record decode: AWS/Lambda metrics, ${PER_RECORD} data points per Firehose record; best of 3 x ${rounds} records, one core`,
  );
  console.table(rows);
  console.log(
    'ours = @firefly/cloudwatch-codec to Firefly model summary points (validated, units translated, resources shared).',
  );
  console.log(
    'JSON.parse per line = parse only, no validation or model; protobufjs decodeDelimited = official definitions,',
  );
  console.log('message objects with Long timestamps, no model.');
}
