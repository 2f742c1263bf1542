import { gzipSync } from 'node:zlib';
import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { createAttributes, type Metric, type SummaryPoint } from '@firefly/model';
import { encodeMetricsProtobuf } from '@firefly/otlp-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  counterValue,
  gzipBomb,
  hex,
  json,
  type TestCollector,
  testCollector,
  testStorage,
  UnavailablePipeline,
} from '../../test-support/receivers.js';

const KEY = 'firehose-key-current';
const NEXT_KEY = 'firehose-key-next';
const MINUTE = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

/** One line of a metric stream's JSON output format, as AWS documents it. */
function jsonLine(metricName: string, functionName: string, count: number, sum: number): string {
  return JSON.stringify({
    metric_stream_name: 'firefly-metrics',
    account_id: '123456789012',
    region: 'eu-west-1',
    namespace: 'AWS/Lambda',
    metric_name: metricName,
    dimensions: { FunctionName: functionName },
    timestamp: MINUTE,
    value: { max: sum / 2, min: 1, sum, count, p99: sum / 3 },
    unit: 'Milliseconds',
  });
}

/** A Firehose HTTP endpoint delivery: its headers and its JSON body with base64 records. */
function delivery(
  records: readonly (string | Uint8Array)[],
  options: { requestId?: string; bodyRequestId?: string; headers?: Record<string, string> } = {},
) {
  const requestId = options.requestId ?? crypto.randomUUID();
  const body = JSON.stringify({
    requestId: options.bodyRequestId ?? requestId,
    timestamp: Date.now(),
    records: records.map((r) => ({ data: Buffer.from(r).toString('base64') })),
  });
  const headers = {
    'content-type': 'application/json',
    'x-amz-firehose-protocol-version': '1.0',
    'x-amz-firehose-request-id': requestId,
    'x-amz-firehose-source-arn': 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/firefly-metrics',
    'x-amz-firehose-access-key': KEY,
    ...options.headers,
  };
  return { requestId, headers, body: Buffer.from(body) };
}

const send = (
  collector: TestCollector,
  { headers, body }: { headers: Record<string, string>; body: Buffer },
) => collector.app.inject({ method: 'POST', url: '/firehose', headers, payload: body });

const streamName = (metricName: string) => `amazonaws.com/AWS/Lambda/${metricName}`;

describe('POST /firehose (JSON output format)', () => {
  it('stores the summary points and answers 200 with {requestId, timestamp}', async () => {
    const collector = testCollector(storage);
    const metric = `Duration_${hex(4)}`;
    const request = delivery([
      `${jsonLine(metric, 'orders', 10, 250)}\n${jsonLine(metric, 'payments', 4, 80)}\n`,
      `${jsonLine(metric, 'refunds', 1, 5)}\n`,
    ]);
    const started = Date.now();
    const response = await send(collector, request);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    const answer = json(response) as { requestId: string; timestamp: number };
    expect(Object.keys(answer).sort()).toEqual(['requestId', 'timestamp']);
    expect(answer.requestId).toBe(request.requestId);
    expect(answer.timestamp).toBeGreaterThanOrEqual(started);
    await collector.stop();

    const stored = (await storage.reader.metricPoints([streamName(metric)])) as SummaryPoint[];
    const byFunction = Object.fromEntries(stored.map((p) => [p.attributes.FunctionName, p]));
    expect(Object.keys(byFunction).sort()).toEqual(['orders', 'payments', 'refunds']);
    expect(byFunction.orders).toMatchObject({ type: 'summary', count: 10n, sum: 250 });
    expect(byFunction.orders?.quantiles).toEqual([
      { quantile: 0, value: 1 },
      { quantile: 0.99, value: 250 / 3 },
      { quantile: 1, value: 125 },
    ]);
    expect(byFunction.orders?.timeUnixNano).toBe(BigInt(MINUTE + 60_000) * 1_000_000n);
  });

  it('gunzips a gzip delivery (once: the codec does it)', async () => {
    const collector = testCollector(storage);
    const metric = `Invocations_${hex(4)}`;
    const request = delivery([jsonLine(metric, 'orders', 1, 42)]);
    const response = await send(collector, {
      headers: { ...request.headers, 'content-encoding': 'gzip' },
      body: gzipSync(request.body),
    });
    expect(response.statusCode).toBe(200);
    await collector.stop();
    expect(await storage.reader.metricPoints([streamName(metric)])).toHaveLength(1);
  });

  it('stores the valid points of a partly invalid delivery and answers 200, counting the rest', async () => {
    const collector = testCollector(storage);
    const metric = `Errors_${hex(4)}`;
    const request = delivery([`${jsonLine(metric, 'orders', 3, 3)}\n{"metric_name": 5}\n`]);
    const response = await send(collector, request);
    expect(response.statusCode).toBe(200);
    await collector.stop();
    expect(await storage.reader.metricPoints([streamName(metric)])).toHaveLength(1);
    const labels = { receiver: 'firehose', signal: 'metrics' };
    expect(await counterValue(collector.metrics, 'firefly_receiver_items_accepted_total', labels)).toBe(1);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        ...labels,
        reason: 'invalid',
      }),
    ).toBe(1);
  });

  it('answers 400 with the reasons when every record is invalid, so Firehose files it as failed', async () => {
    const collector = testCollector(storage);
    const request = delivery(['not json\n', '{"namespace": "AWS/Lambda"}\n']);
    const response = await send(collector, request);
    expect(response.statusCode).toBe(400);
    const answer = json(response) as { requestId: string; errorMessage: string };
    expect(answer.requestId).toBe(request.requestId);
    expect(answer.errorMessage).toMatch(
      /^every item was invalid: records\[0\] line 1: .*; records\[1\] line 1: /,
    );
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        receiver: 'firehose',
        signal: 'metrics',
        reason: 'invalid',
      }),
    ).toBe(2);
    await collector.stop();
  });

  it('serves the configured path', async () => {
    const collector = testCollector(storage, {
      config: { receivers: { firehose: { path: '/aws/firehose' } } },
    });
    const request = delivery([jsonLine(`Throttles_${hex(4)}`, 'orders', 1, 0)]);
    const response = await collector.app.inject({
      method: 'POST',
      url: '/aws/firehose',
      headers: request.headers,
      payload: request.body,
    });
    expect(response.statusCode).toBe(200);
    expect((await send(collector, request)).statusCode).toBe(404);
    await collector.stop();
  });
});

describe('POST /firehose (OpenTelemetry 1.0.0 output format)', () => {
  it('decodes length-delimited ExportMetricsServiceRequests when recordFormat says so', async () => {
    const collector = testCollector(storage, {
      config: { receivers: { firehose: { recordFormat: 'opentelemetry1.0' } } },
    });
    const metricName = `ConcurrentExecutions_${hex(4)}`;
    const message = encodeMetricsProtobuf([otelSummary(metricName, 'orders', 60, 300)]);
    const record = Buffer.concat([varint(message.byteLength), message]);
    const response = await send(collector, delivery([record]));
    expect(response.statusCode).toBe(200);
    await collector.stop();
    const [point] = (await storage.reader.metricPoints([streamName(metricName)])) as SummaryPoint[];
    expect(point).toMatchObject({
      type: 'summary',
      count: 60n,
      sum: 300,
      attributes: { FunctionName: 'orders' },
    });
  });
});

describe('Firehose errors', () => {
  const keyed = () =>
    testCollector(storage, { config: { receivers: { firehose: { accessKeys: [KEY, NEXT_KEY] } } } });

  it('401 for a missing or wrong access key, with the same message; any configured key passes', async () => {
    const collector = keyed();
    const line = jsonLine(`Invocations_${hex(4)}`, 'orders', 1, 1);
    const missing = delivery([line]);
    delete (missing.headers as Record<string, string>)['x-amz-firehose-access-key'];
    const wrong = delivery([line], { headers: { 'x-amz-firehose-access-key': `${KEY}-old` } });
    const answers = [];
    for (const request of [missing, wrong]) {
      const response = await send(collector, request);
      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toBe('application/json');
      const answer = json(response) as { requestId: string; errorMessage: string };
      expect(answer.requestId).toBe(request.requestId);
      answers.push(answer.errorMessage);
    }
    expect(answers).toEqual([
      'X-Amz-Firehose-Access-Key is missing or not valid',
      'X-Amz-Firehose-Access-Key is missing or not valid',
    ]);
    const rotated = delivery([line], { headers: { 'x-amz-firehose-access-key': NEXT_KEY } });
    expect((await send(collector, rotated)).statusCode).toBe(200);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_requests_total', {
        receiver: 'firehose',
        status: '401',
      }),
    ).toBe(2);
    await collector.stop();
  });

  it('checks the access key before reading the body: an oversized body with a wrong key is 401, not 413', async () => {
    const collector = testCollector(storage, {
      config: { server: { bodyLimitBytes: 64 * 1024 }, receivers: { firehose: { accessKeys: [KEY] } } },
    });
    const request = delivery(['x'], { headers: { 'x-amz-firehose-access-key': 'nope' } });
    const response = await send(collector, {
      headers: request.headers,
      body: Buffer.alloc(128 * 1024, 0x20),
    });
    expect(response.statusCode).toBe(401);
    await collector.stop();
  });

  it('400 when the body and the header disagree on the request id', async () => {
    const collector = testCollector(storage);
    const request = delivery([jsonLine('Invocations', 'orders', 1, 1)], {
      requestId: 'header-id',
      bodyRequestId: 'body-id',
    });
    const response = await send(collector, request);
    expect(response.statusCode).toBe(400);
    expect(json(response)).toMatchObject({
      requestId: 'header-id',
      errorMessage: expect.stringMatching(/requestId "body-id" is not X-Amz-Firehose-Request-Id "header-id"/),
    });
    await collector.stop();
  });

  it('400 for a missing request id header or a body that is not JSON', async () => {
    const collector = testCollector(storage);
    const request = delivery([jsonLine('Invocations', 'orders', 1, 1)]);
    const headers: Record<string, string> = { ...request.headers };
    delete headers['x-amz-firehose-request-id'];
    const noId = await send(collector, { headers, body: request.body });
    expect(noId.statusCode).toBe(400);
    expect(json(noId)).toMatchObject({ requestId: '', errorMessage: 'X-Amz-Firehose-Request-Id is missing' });
    const notJson = await send(collector, { headers: request.headers, body: Buffer.from('{"requestId":') });
    expect(notJson.statusCode).toBe(400);
    expect((json(notJson) as { errorMessage: string }).errorMessage).toMatch(/not JSON/);
    const corruptGzip = await send(collector, {
      headers: { ...request.headers, 'content-encoding': 'gzip' },
      body: request.body,
    });
    expect(corruptGzip.statusCode).toBe(400);
    expect((json(corruptGzip) as { errorMessage: string }).errorMessage).toMatch(/not valid gzip/);
    await collector.stop();
  });

  it('415 for another content encoding or content type', async () => {
    const collector = testCollector(storage);
    const request = delivery([jsonLine('Invocations', 'orders', 1, 1)]);
    for (const extra of [{ 'content-encoding': 'br' }, { 'content-type': 'text/plain' }] as Record<
      string,
      string
    >[]) {
      const response = await send(collector, {
        headers: { ...request.headers, ...extra },
        body: request.body,
      });
      expect(response.statusCode, JSON.stringify(extra)).toBe(415);
      expect(json(response)).toMatchObject({
        requestId: request.requestId,
        errorMessage: expect.any(String),
      });
    }
    await collector.stop();
  });

  it('413 for a body over the limit and for a gzip bomb', async () => {
    const limit = 4 * 1024 * 1024;
    const collector = testCollector(storage, { config: { server: { bodyLimitBytes: limit } } });
    const request = delivery([Buffer.alloc(limit)]);
    const big = await send(collector, request);
    expect(big.statusCode).toBe(413);
    expect(json(big)).toMatchObject({
      requestId: request.requestId,
      errorMessage: `the request body is larger than the limit of ${limit} bytes`,
    });
    const bomb = await send(collector, {
      headers: { ...request.headers, 'content-encoding': 'gzip' },
      body: gzipBomb(1024 * 1024 * 1024),
    });
    expect(bomb.statusCode).toBe(413);
    expect((json(bomb) as { errorMessage: string }).errorMessage).toBe(
      `the body decompresses to more than the limit of ${limit} bytes`,
    );
    await collector.stop();
  });

  it('429 with Retry-After when the pipeline is saturated', async () => {
    const collector = testCollector(storage, {
      config: { pipeline: { queueCapacity: 3, batchTimeoutMs: 60_000, retryAfterSeconds: 8 } },
    });
    const [held, refused] = [`Duration_${hex(4)}`, `Duration_${hex(4)}`];
    const twoPoints = (metric: string) =>
      delivery([`${jsonLine(metric, 'a', 1, 1)}\n${jsonLine(metric, 'b', 1, 1)}`]);
    expect((await send(collector, twoPoints(held))).statusCode).toBe(200);
    // Room for one more point, not two.
    const response = await send(collector, twoPoints(refused));
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('8');
    expect((json(response) as { errorMessage: string }).errorMessage).toMatch(/queue is full/);
    await collector.stop();
    expect(await storage.reader.metricPoints([streamName(held)])).toHaveLength(2);
    expect(await storage.reader.metricPoints([streamName(refused)])).toEqual([]);
  });

  it('503 with Retry-After when the pipeline is stopping or unavailable', async () => {
    const request = delivery([jsonLine('Invocations', 'orders', 1, 1)]);
    const stopping = testCollector(storage, { config: { pipeline: { retryAfterSeconds: 2 } } });
    await stopping.pipeline.stop(1_000);
    const stopped = await send(stopping, request);
    expect([stopped.statusCode, stopped.headers['retry-after']]).toEqual([503, '2']);
    await stopping.stop();
    const down = testCollector(storage, { pipeline: new UnavailablePipeline(6) });
    const unavailable = await send(down, request);
    expect([unavailable.statusCode, unavailable.headers['retry-after']]).toEqual([503, '6']);
    expect(json(unavailable)).toMatchObject({
      requestId: request.requestId,
      errorMessage: expect.stringMatching(/broker/),
    });
    await down.stop();
  });
});

/** A CloudWatch summary as the OpenTelemetry 1.0.0 output format carries it. */
function otelSummary(metricName: string, functionName: string, count: number, sum: number): SummaryPoint {
  const metric: Metric = {
    resource: {
      attributes: {
        'cloud.provider': 'aws',
        'cloud.account.id': '123456789012',
        'cloud.region': 'eu-west-1',
        'aws.exporter.arn': 'arn:aws:cloudwatch:eu-west-1:123456789012:metric-stream/firefly-metrics',
      },
      droppedAttributesCount: 0,
      schemaUrl: '',
      serviceName: 'unknown_service',
    },
    scope: {
      name: '',
      version: '',
      attributes: createAttributes(),
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
    name: streamName(metricName),
    description: '',
    unit: '{Count}',
    metadata: createAttributes(),
  };
  return {
    type: 'summary',
    metric,
    attributes: {
      Namespace: 'AWS/Lambda',
      MetricName: metricName,
      Dimensions: { FunctionName: functionName },
    },
    startTimeUnixNano: BigInt(MINUTE) * 1_000_000n,
    timeUnixNano: BigInt(MINUTE + 60_000) * 1_000_000n,
    flags: 0,
    count: BigInt(count),
    sum,
    quantiles: [
      { quantile: 0, value: 0 },
      { quantile: 1, value: sum },
    ],
    statistics: {},
  };
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let v = value;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
