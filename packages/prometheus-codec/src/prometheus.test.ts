// Interop with the real Prometheus 2.42 (Debian's package, started by @firefly/devstack): as a
// remote write client of this codec's decoder, and as a remote write receiver of its encoder.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type PrometheusServer, startPrometheus } from '@firefly/devstack';
import {
  AggregationTemporality,
  createAttributes,
  type ExponentialHistogramPoint,
  type GaugePoint,
  type Metric,
  type MetricPoint,
  type SumPoint,
} from '@firefly/model';
import { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRemoteWrite, encodeRemoteWrite, REMOTE_WRITE_HEADERS } from './remote-write.js';
import type { MetricMetadata } from './write-request.js';

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const key = (name: string, attributes: Record<string, unknown>) =>
  `${name}{${Object.entries(attributes)
    .map(([k, v]) => `${k}=${String(v)}`)
    .sort()
    .join(',')}}`;

describe('Prometheus scrapes prom-client and remote-writes to this decoder', () => {
  const registry = new Registry();
  const received: { body: Buffer; points: MetricPoint[]; headers: IncomingMessage['headers'] }[] = [];
  const metadata = new Map<string, MetricMetadata>();
  let server: Server;
  let prometheus: PrometheusServer;
  let serveMetrics = true;
  let rejected = 0;

  beforeAll(async () => {
    const invocations = new Counter({
      name: 'lambda_invocations_total',
      help: 'Invocations.',
      labelNames: ['function_name', 'cold'],
      registers: [registry],
    });
    invocations.inc({ function_name: 'checkout', cold: 'true' }, 1);
    invocations.inc({ function_name: 'checkout', cold: 'false' }, 41);
    invocations.inc({ function_name: 'ship "it"', cold: 'false' }, 7);
    new Gauge({ name: 'lambda_concurrent_executions', help: 'In flight.', registers: [registry] }).set(3.25);
    const duration = new Histogram({
      name: 'lambda_duration_seconds',
      help: 'Duration.',
      labelNames: ['function_name'],
      buckets: [0.01, 0.1, 1],
      registers: [registry],
    });
    for (const seconds of [0.005, 0.05, 0.07, 0.5, 2])
      duration.observe({ function_name: 'checkout' }, seconds);
    const init = new Summary({
      name: 'lambda_init_duration_seconds',
      help: 'Init.',
      percentiles: [0.5, 0.99],
      registers: [registry],
    });
    for (const seconds of [0.1, 0.2, 0.3]) init.observe(seconds);

    server = createServer(async (req, res) => {
      if (req.url === '/metrics') {
        if (!serveMetrics) return void res.writeHead(503).end();
        res.writeHead(200, { 'content-type': registry.contentType });
        return void res.end(await registry.metrics());
      }
      const body = await bodyOf(req);
      const decoded = decodeRemoteWrite(body, { metadata });
      for (const m of decoded.metadata) metadata.set(m.metricFamilyName, m);
      rejected += decoded.rejectedSamples;
      received.push({ body, points: decoded.points, headers: req.headers });
      res.writeHead(204).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    prometheus = await startPrometheus({
      config: {
        global: { scrape_interval: '1s', scrape_timeout: '500ms' },
        scrape_configs: [{ job_name: 'lambda', static_configs: [{ targets: [`127.0.0.1:${port}`] }] }],
        remote_write: [
          {
            url: `http://127.0.0.1:${port}/api/v1/write`,
            queue_config: { batch_send_deadline: '200ms', min_backoff: '50ms', max_backoff: '200ms' },
            metadata_config: { send: true, send_interval: '1s' },
          },
        ],
      },
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise<void>((done) => server.close(() => done()));
  });

  const latest = () => {
    const byKey = new Map<string, MetricPoint>();
    for (const { points } of received)
      for (const p of points)
        if (p.metric.name.startsWith('lambda_')) byKey.set(key(p.metric.name, p.attributes), p);
    return byKey;
  };

  it('every series prom-client exposes arrives with its value, labels and target', async () => {
    const expected = new Map<string, number>();
    for (const family of await registry.getMetricsAsJSON()) {
      for (const v of family.values)
        expected.set(key((v as { metricName?: string }).metricName ?? family.name, v.labels), v.value);
    }
    expect(expected.size).toBe(14);
    const got = await until('every series', () => {
      const l = latest();
      return [...expected.keys()].every((k) => l.has(k)) ? l : undefined;
    });
    for (const [k, value] of expected) {
      expect({ k, value: (got.get(k) as GaugePoint).value }).toEqual({ k, value });
    }
    expect(rejected).toBe(0);
    const point = got.get(key('lambda_concurrent_executions', {})) as GaugePoint;
    expect(point.metric.resource.attributes).toEqual({
      'service.name': 'lambda',
      'service.instance.id': expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
    expect(Number(point.timeUnixNano % 1_000_000n)).toBe(0);
    expect(Math.abs(Number(point.timeUnixNano / 1_000_000n) - Date.now())).toBeLessThan(120_000);
    expect(received[0]?.headers).toMatchObject({
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    });
  }, 90_000);

  it("the metadata Prometheus sends gives each series its family's type, help and unit", async () => {
    await until('metadata', () => (metadata.has('lambda_init_duration_seconds') ? true : undefined));
    // Prometheus sends metadata apart from samples: decode the sample requests again, now that it is known.
    const kinds = new Map(
      received
        .flatMap(({ body }) => decodeRemoteWrite(body, { metadata }).points)
        .map((p) => [
          key(p.metric.name, p.attributes),
          [p.type, (p as SumPoint).monotonic, p.metric.description],
        ]),
    );
    expect(kinds.get(key('lambda_invocations_total', { function_name: 'checkout', cold: 'true' }))).toEqual([
      'sum',
      true,
      'Invocations.',
    ]);
    expect(kinds.get(key('lambda_concurrent_executions', {}))).toEqual(['gauge', undefined, 'In flight.']);
    expect(
      kinds.get(key('lambda_duration_seconds_bucket', { function_name: 'checkout', le: '0.1' })),
    ).toEqual(['sum', true, 'Duration.']);
    expect(kinds.get(key('lambda_duration_seconds_sum', { function_name: 'checkout' }))).toEqual([
      'sum',
      false,
      'Duration.',
    ]);
    expect(kinds.get(key('lambda_init_duration_seconds', { quantile: '0.99' }))).toEqual([
      'gauge',
      undefined,
      'Init.',
    ]);
    expect(kinds.get(key('lambda_init_duration_seconds_count', {}))).toEqual(['sum', true, 'Init.']);
  }, 90_000);

  it('when the target goes away, staleness markers arrive as points with no recorded value', async () => {
    serveMetrics = false;
    const stale = await until('staleness markers', () => {
      const point = latest().get(key('lambda_concurrent_executions', {}));
      return point && point.flags === 1 ? point : undefined;
    });
    expect((stale as GaugePoint).value).toBeNaN();
  }, 90_000);
});

describe("this encoder remote-writes into Prometheus's receiver", () => {
  let prometheus: PrometheusServer;
  beforeAll(async () => {
    prometheus = await startPrometheus({
      config: { global: {} },
      remoteWriteReceiver: true,
      features: ['native-histograms'],
    });
  }, 120_000);
  afterAll(() => prometheus?.stop());

  const now = BigInt(Date.now() - 5_000) * 1_000_000n;
  const metric = (name: string): Metric => ({
    resource: {
      attributes: { 'service.name': 'checkout', 'service.instance.id': 'i-7' },
      droppedAttributesCount: 0,
      schemaUrl: '',
      serviceName: 'checkout',
    },
    scope: {
      name: '',
      version: '',
      attributes: createAttributes(),
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
    name,
    description: '',
    unit: '',
    metadata: createAttributes(),
  });

  async function query(promql: string): Promise<
    {
      metric: Record<string, string>;
      value?: [number, string];
      histogram?: [number, { count: string; sum: string; buckets: [number, string, string, string][] }];
    }[]
  > {
    const time = Number(now / 1_000_000n) / 1000;
    const response = await fetch(
      `${prometheus.url}/api/v1/query?query=${encodeURIComponent(promql)}&time=${time}`,
    );
    const body = (await response.json()) as { status: string; data: { result: never[] } };
    expect(body.status).toBe('success');
    return body.data.result;
  }

  it('accepts gauges, counters and native histograms and answers PromQL with the same values', async () => {
    const gauge: GaugePoint = {
      type: 'gauge',
      metric: metric('lambda.memory.used'),
      attributes: { 'faas.name': 'checkout' },
      startTimeUnixNano: 0n,
      timeUnixNano: now,
      flags: 0,
      value: 12.5,
      exemplars: [],
    };
    const counter: SumPoint = {
      ...gauge,
      type: 'sum',
      metric: metric('lambda_invocations_total'),
      value: 42n,
      temporality: AggregationTemporality.CUMULATIVE,
      monotonic: true,
    };
    const histogram: ExponentialHistogramPoint = {
      type: 'exponential_histogram',
      metric: metric('lambda_duration_seconds'),
      attributes: {},
      startTimeUnixNano: 0n,
      timeUnixNano: now,
      flags: 0,
      temporality: AggregationTemporality.CUMULATIVE,
      count: 6n,
      sum: 9.5,
      min: undefined,
      max: undefined,
      scale: 0,
      zeroCount: 0n,
      zeroThreshold: 0,
      // (1,2]: 1, (2,4]: 2, (8,16]: 3
      positive: { offset: 0, bucketCounts: [1n, 2n, 0n, 3n] },
      negative: { offset: 0, bucketCounts: [] },
      exemplars: [],
    };
    const response = await fetch(`${prometheus.url}/api/v1/write`, {
      method: 'POST',
      headers: REMOTE_WRITE_HEADERS,
      body: encodeRemoteWrite([gauge, counter, histogram]),
    });
    expect(response.status, await response.text()).toBe(204);

    expect(await query('lambda_memory_used')).toEqual([
      {
        metric: { __name__: 'lambda_memory_used', faas_name: 'checkout', instance: 'i-7', job: 'checkout' },
        value: [expect.any(Number), '12.5'],
      },
    ]);
    expect((await query('lambda_invocations_total'))[0]?.value?.[1]).toBe('42');
    const [native] = await query('lambda_duration_seconds');
    expect(native?.histogram?.[1]).toEqual({
      count: '6',
      sum: '9.5',
      buckets: [
        [0, '1', '2', '1'],
        [0, '2', '4', '2'],
        [0, '8', '16', '3'],
      ],
    });
  });
});
