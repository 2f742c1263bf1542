// Prometheus remote write decode: @firefly/prometheus-codec vs protobufjs (reflection over the same
// remote write schema), on the same snappy-compressed bytes in the same run.
//   pnpm --filter @firefly/prometheus-codec bench
//
// Payload: requests as Prometheus sends them (500 samples each, its default max_samples_per_send)
// of Lambda-style series: a counter, a gauge and a classic histogram per function, ~8 labels each.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { uncompressSync } from 'snappy';
import { decodeRemoteWrite, decodeWriteRequest, encodeWriteRequest } from '../dist/index.js';

const SAMPLES_PER_REQUEST = 500;
const protobuf = createRequire(import.meta.url)('protobufjs');
const schema = fileURLToPath(new URL('../src/testdata/prompb.proto', import.meta.url));
const WriteRequest = protobuf.loadSync(schema).lookupType('prometheus.WriteRequest');

function labels(record) {
  return Object.entries(record)
    .map(([name, value]) => ({ name, value }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

function request(seed) {
  const timestamp = 1_764_000_000_000 + seed * 15_000;
  const timeseries = [];
  for (let f = 0; timeseries.length < SAMPLES_PER_REQUEST; f++) {
    const target = {
      job: 'lambda-exporter',
      instance: `10.0.${seed}.${f % 250}:9100`,
      function_name: `orders-${f}-handler`,
      region: 'eu-west-1',
      runtime: 'nodejs20.x',
      memory_size: '1024',
    };
    const add = (name, extra, value) =>
      timeseries.push({
        labels: labels({ __name__: name, ...target, ...extra }),
        samples: [{ value, timestamp, stale: false }],
        exemplars: [],
        histograms: [],
      });
    add('lambda_invocations_total', { cold: 'false' }, 1000 + f);
    add('lambda_concurrent_executions', {}, f % 7);
    for (const le of ['0.005', '0.01', '0.05', '0.1', '0.5', '1', '+Inf'])
      add('lambda_duration_seconds_bucket', { le }, f * 3);
    add('lambda_duration_seconds_sum', {}, f * 0.75);
    add('lambda_duration_seconds_count', {}, f * 3);
  }
  return encodeWriteRequest({ timeseries: timeseries.slice(0, SAMPLES_PER_REQUEST), metadata: [] });
}

function measure(decode, payloads, rounds) {
  for (let i = 0; i < 200; i++) decode(payloads[i % payloads.length]); // warm-up
  const started = process.hrtime.bigint();
  let samples = 0;
  for (let i = 0; i < rounds; i++) samples += decode(payloads[i % payloads.length]);
  return samples / (Number(process.hrtime.bigint() - started) / 1e9);
}

const DECODERS = {
  'ours → model': (b) => decodeRemoteWrite(b).points.length,
  'ours → WriteRequest': (b) => decodeWriteRequest(b).timeseries.length,
  'snappy + protobufjs': (b) => WriteRequest.decode(uncompressSync(b)).timeseries.length,
  'snappy alone': (b) => (uncompressSync(b).length > 0 ? SAMPLES_PER_REQUEST : 0),
};

const payloads = Array.from({ length: 8 }, (_, i) => request(i));
const rounds = Number(process.env.BENCH_ROUNDS ?? 2000);
const best = {};
for (let repeat = 0; repeat < 3; repeat++) {
  for (const [name, decode] of Object.entries(DECODERS))
    best[name] = Math.max(best[name] ?? 0, measure(decode, payloads, rounds));
}
const compressed = payloads[0].length;
const raw = uncompressSync(payloads[0]).length;
console.log(
  `Prometheus remote write decode: ${SAMPLES_PER_REQUEST}-sample requests of Lambda series (~8 labels), ` +
    `${(raw / SAMPLES_PER_REQUEST).toFixed(0)} bytes/sample raw, ${(compressed / SAMPLES_PER_REQUEST).toFixed(0)} snappy; best of 3 x ${rounds} requests, one core`,
);
console.table(
  Object.entries(best).map(([decoder, rate]) => ({
    decoder,
    'samples/s': Math.round(rate),
    'ours → model / this': (best['ours → model'] / rate).toFixed(2),
  })),
);
console.log(
  'ours → model = snappy, protobuf, validation (sorted unique labels, __name__) and Firefly model points;',
);
console.log(
  'snappy + protobufjs = the same schema decoded by protobufjs reflection into message objects, no validation.',
);
