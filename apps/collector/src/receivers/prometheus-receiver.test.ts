import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import type { MetricPoint } from '@firefly/model';
import {
  encodeRemoteWrite,
  encodeWriteRequest,
  type Label,
  type MetricMetadata,
  MetricType,
  REMOTE_WRITE_HEADERS,
  type TimeSeries,
} from '@firefly/prometheus-codec';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  counterValue,
  hex,
  lambdaPoints,
  type TestCollector,
  testCollector,
  testStorage,
  UnavailablePipeline,
} from '../../test-support/receivers.js';
import { StorageWriter } from '../exporter/storage-writer.js';
import { DirectPipeline } from '../pipeline/direct-pipeline.js';
import { serverContext } from '../server-context.js';
import { CollectorMetrics } from '../telemetry/metrics.js';
import { prometheusReceiver } from './prometheus-receiver.js';

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

const write = (
  collector: Pick<TestCollector, 'app'>,
  payload: Buffer,
  headers: Record<string, string> = REMOTE_WRITE_HEADERS,
  url = '/api/v1/write',
) => collector.app.inject({ method: 'POST', url, headers, payload });

/** A series with its labels sorted by name, as remote write requires. */
function series(labels: Record<string, string>, values: number[]): TimeSeries {
  const now = Date.now();
  return {
    labels: Object.entries(labels)
      .map(([name, value]) => ({ name, value }))
      .sort((a, b) => (a.name < b.name ? -1 : 1)),
    samples: values.map((value, i) => ({
      value,
      timestamp: now - 1_000 * (values.length - i),
      stale: false,
    })),
    exemplars: [],
    histograms: [],
  };
}

const counterMetadata = (family: string): MetricMetadata => ({
  type: MetricType.COUNTER,
  metricFamilyName: family,
  help: `${family} help`,
  unit: '',
});

const valuesOf = (points: readonly MetricPoint[]) =>
  points.map((p) => ('value' in p ? Number(p.value) : Number.NaN)).sort((a, b) => a - b);

describe('POST /api/v1/write', () => {
  it('stores every series and answers 204', async () => {
    const collector = testCollector(storage);
    const { points, names } = lambdaPoints(4);
    const response = await write(collector, encodeRemoteWrite(points));
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    await collector.stop();
    const stored = await storage.reader.metricPoints(names);
    expect(stored).toHaveLength(8);
    const gauge = stored.filter((p) => p.metric.name === names[0]);
    expect(gauge.every((p) => p.type === 'gauge')).toBe(true);
    expect(valuesOf(gauge)).toEqual([0, 1.5, 3, 4.5]);
    // The request's own metadata (COUNTER) makes the sum a monotonic sum again.
    const sum = stored.filter((p) => p.metric.name === names[1]);
    expect(sum.every((p) => p.type === 'sum' && p.monotonic)).toBe(true);
    expect(valuesOf(sum)).toEqual([0, 10, 20, 30]);
  });

  it('accepts the 1.0 proto parameter and a body without Content-Encoding (snappy is implied)', async () => {
    const collector = testCollector(storage);
    const { points } = lambdaPoints(1);
    const withProto = await write(collector, encodeRemoteWrite(points), {
      'content-type': 'application/x-protobuf; proto=prometheus.WriteRequest',
      'content-encoding': 'snappy',
    });
    expect(withProto.statusCode).toBe(204);
    const noEncoding = await write(collector, encodeRemoteWrite(points), {
      'content-type': 'application/x-protobuf',
    });
    expect(noEncoding.statusCode).toBe(204);
    await collector.stop();
  });

  it('serves the configured path', async () => {
    const collector = testCollector(storage, {
      config: { receivers: { prometheus: { path: '/prom/push' } } },
    });
    const body = encodeRemoteWrite(lambdaPoints(1).points);
    expect((await write(collector, body, REMOTE_WRITE_HEADERS, '/prom/push')).statusCode).toBe(204);
    expect((await write(collector, body)).statusCode).toBe(404);
    await collector.stop();
  });

  it('stores the valid series and answers 400 naming the invalid ones', async () => {
    const collector = testCollector(storage);
    const name = `orders_in_flight_${hex(4)}`;
    const unsorted: Label[] = [
      { name: '__name__', value: name },
      { name: 'zone', value: 'b' },
      { name: 'job', value: 'orders' },
    ];
    const body = encodeWriteRequest({
      timeseries: [
        series({ __name__: name, job: 'orders', zone: 'a' }, [1, 2]),
        { ...series({}, [7, 8, 9]), labels: unsorted },
      ],
      metadata: [],
    });
    const response = await write(collector, body);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toMatch(
      /^3 of 5 samples rejected \(the others were stored\): series 1 .*not sorted/,
    );
    await collector.stop();
    const stored = await storage.reader.metricPoints([name]);
    expect(valuesOf(stored)).toEqual([1, 2]);
    expect(stored.every((p) => p.attributes.zone === 'a')).toBe(true);
    const labels = { receiver: 'prometheus', signal: 'metrics' };
    expect(await counterValue(collector.metrics, 'firefly_receiver_items_received_total', labels)).toBe(5);
    expect(await counterValue(collector.metrics, 'firefly_receiver_items_accepted_total', labels)).toBe(2);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        ...labels,
        reason: 'invalid',
      }),
    ).toBe(3);
  });

  it('remembers metadata across requests: a later sample of a counter family is a monotonic sum', async () => {
    const collector = testCollector(storage);
    const family = `jobs_done_${hex(4)}`;
    const metadataOnly = encodeWriteRequest({ timeseries: [], metadata: [counterMetadata(family)] });
    expect((await write(collector, metadataOnly)).statusCode).toBe(204);
    const samples = encodeWriteRequest({
      timeseries: [series({ __name__: family, job: 'w' }, [5])],
      metadata: [],
    });
    expect((await write(collector, samples)).statusCode).toBe(204);
    await collector.stop();
    const [point] = await storage.reader.metricPoints([family]);
    expect(point).toMatchObject({ type: 'sum', monotonic: true, value: 5 });
    expect(point?.metric.description).toBe(`${family} help`);
  });

  it('forgets the least recently updated families past its bound', async () => {
    const metrics = new CollectorMetrics();
    const pipeline = new DirectPipeline(new StorageWriter(storage, metrics), metrics, {
      capacity: 1_000,
      batchMaxItems: 1_000,
      batchTimeoutMs: 20,
      retryAfterSeconds: 1,
      log: () => {},
    });
    const app = Fastify();
    app.register(serverContext, { pipeline, metrics });
    app.register(prometheusReceiver, { path: '/write', bodyLimitBytes: 1024 * 1024, metadataFamilies: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((f) => `family_${f}_${hex(4)}`) as [string, string, string];
    const metadata = encodeWriteRequest({ timeseries: [], metadata: [a, b, c].map(counterMetadata) });
    expect((await write({ app }, metadata, REMOTE_WRITE_HEADERS, '/write')).statusCode).toBe(204);
    const samples = encodeWriteRequest({
      timeseries: [series({ __name__: a, job: 'w' }, [1]), series({ __name__: c, job: 'w' }, [2])],
      metadata: [],
    });
    expect((await write({ app }, samples, REMOTE_WRITE_HEADERS, '/write')).statusCode).toBe(204);
    await pipeline.stop(10_000);
    await app.close();
    const stored = await storage.reader.metricPoints([a, c]);
    expect(stored.find((p) => p.metric.name === a)?.type).toBe('gauge');
    expect(stored.find((p) => p.metric.name === c)?.type).toBe('sum');
  });

  it('refuses invalid options at registration, naming the option', async () => {
    const app = Fastify();
    const metrics = new CollectorMetrics();
    app.register(serverContext, { pipeline: new UnavailablePipeline(), metrics });
    app.register(prometheusReceiver, { path: 'write', bodyLimitBytes: 1024 });
    await expect(app.ready()).rejects.toThrow(/firefly-prometheus-receiver: invalid options: path: /);
  });
});

describe('remote write errors', () => {
  it('400 naming the problem for a body that is not snappy', async () => {
    const collector = testCollector(storage);
    const response = await write(collector, Buffer.from('definitely not snappy'));
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/snappy/i);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_requests_total', {
        receiver: 'prometheus',
        status: '400',
      }),
    ).toBe(1);
    await collector.stop();
  });

  it('415 for another content type, remote write 2.0, or another content encoding', async () => {
    const collector = testCollector(storage);
    const body = encodeRemoteWrite(lambdaPoints(1).points);
    const cases: [Record<string, string>, RegExp][] = [
      [
        { 'content-type': 'application/json', 'content-encoding': 'snappy' },
        /Content-Type "application\/json"/,
      ],
      [{ 'content-encoding': 'snappy' }, /Content-Type ""/],
      [
        {
          'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
          'content-encoding': 'snappy',
        },
        /io\.prometheus\.write\.v2\.Request.*remote write 1\.0/,
      ],
      [{ 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' }, /Content-Encoding "gzip"/],
    ];
    for (const [headers, message] of cases) {
      const response = await write(collector, body, headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(415);
      expect(response.body).toMatch(message);
    }
    await collector.stop();
  });

  it('413 for a body over the limit, and for a snappy block that states a size over it', async () => {
    const limit = 64 * 1024;
    const collector = testCollector(storage, { config: { server: { bodyLimitBytes: limit } } });
    const big = await write(collector, Buffer.alloc(limit + 1, 1));
    expect(big.statusCode).toBe(413);
    expect(big.body).toBe(`the request body is larger than the limit of ${limit} bytes\n`);
    // A snappy block starts with its uncompressed length as a varint: here 1 GiB, in 5 bytes.
    const claimsOneGiB = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x04, 0x00, 0x00]);
    const bomb = await write(collector, claimsOneGiB);
    expect(bomb.statusCode).toBe(413);
    await collector.stop();
  });

  it('503, not 429, with Retry-After when the pipeline is saturated: remote write retries only 5xx', async () => {
    const collector = testCollector(storage, {
      config: { pipeline: { queueCapacity: 3, batchTimeoutMs: 60_000, retryAfterSeconds: 9 } },
    });
    // Two points each: room for one more after the first, not two.
    expect((await write(collector, encodeRemoteWrite(lambdaPoints(1).points))).statusCode).toBe(204);
    const response = await write(collector, encodeRemoteWrite(lambdaPoints(1).points));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('9');
    expect(response.body).toMatch(/queue is full/);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        receiver: 'prometheus',
        signal: 'metrics',
        reason: 'saturated',
      }),
    ).toBe(2);
    await collector.stop();
  });

  it('503 with Retry-After when the pipeline is stopping or unavailable', async () => {
    const stopping = testCollector(storage, { config: { pipeline: { retryAfterSeconds: 4 } } });
    await stopping.pipeline.stop(1_000);
    const body = encodeRemoteWrite(lambdaPoints(1).points);
    const stopped = await write(stopping, body);
    expect([stopped.statusCode, stopped.headers['retry-after']]).toEqual([503, '4']);
    expect(stopped.body).toMatch(/shutting down/);
    await stopping.stop();

    const down = testCollector(storage, { pipeline: new UnavailablePipeline(6) });
    const unavailable = await write(down, body);
    expect([unavailable.statusCode, unavailable.headers['retry-after']]).toEqual([503, '6']);
    await down.stop();
  });
});
