import { gzipSync } from 'node:zlib';
import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import type { MetricPoint } from '@firefly/model';
import {
  decodeResponseJson,
  decodeResponseProtobuf,
  encodeMetricsJson,
  encodeMetricsProtobuf,
  encodeTracesJson,
  encodeTracesProtobuf,
} from '@firefly/otlp-codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bySpanId,
  counterValue,
  errorStatus,
  gzipBomb,
  json,
  lambdaPoints,
  lambdaSpans,
  metricNamed,
  type TestCollector,
  testCollector,
  testStorage,
  UnavailablePipeline,
} from '../../test-support/receivers.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_UTF8 = { 'content-type': 'application/json; charset=utf-8' };

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

const post = (
  collector: TestCollector,
  url: string,
  headers: Record<string, string>,
  payload: Uint8Array | string,
) =>
  collector.app.inject({
    method: 'POST',
    url,
    headers,
    payload: typeof payload === 'string' ? payload : Buffer.from(payload),
  });

const byTimeAndName = (points: readonly MetricPoint[]) =>
  [...points].sort((a, b) =>
    a.metric.name === b.metric.name
      ? Number(a.timeUnixNano - b.timeUnixNano)
      : a.metric.name < b.metric.name
        ? -1
        : 1,
  );

describe('POST /v1/traces', () => {
  it('stores protobuf spans, then answers 200 with an ExportTraceServiceResponse in protobuf', async () => {
    const collector = testCollector(storage);
    const spans = lambdaSpans(25);
    const response = await post(collector, '/v1/traces', PROTOBUF, encodeTracesProtobuf(spans));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    expect(decodeResponseProtobuf(response.rawPayload)).toEqual({ rejected: 0, errorMessage: '' });
    await collector.stop();
    const stored = await storage.reader.spansOfTraces([spans[0]?.traceId as string]);
    expect(bySpanId(stored)).toEqual(bySpanId(spans));
  });

  it('stores JSON spans (charset parameter and all) and answers {} in JSON', async () => {
    const collector = testCollector(storage);
    const spans = lambdaSpans(3);
    const response = await post(collector, '/v1/traces', JSON_UTF8, encodeTracesJson(spans));
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(json(response)).toEqual({});
    await collector.stop();
    expect(bySpanId(await storage.reader.spansOfTraces([spans[0]?.traceId as string]))).toEqual(
      bySpanId(spans),
    );
  });

  it('gunzips a gzip body', async () => {
    const collector = testCollector(storage);
    const spans = lambdaSpans(10);
    const body = gzipSync(encodeTracesProtobuf(spans));
    const response = await post(collector, '/v1/traces', { ...PROTOBUF, 'content-encoding': 'gzip' }, body);
    expect(response.statusCode).toBe(200);
    await collector.stop();
    expect(await storage.reader.spansOfTraces([spans[0]?.traceId as string])).toHaveLength(10);
  });

  it('answers partial success in JSON, stores the valid spans and counts the rejected one', async () => {
    const collector = testCollector(storage);
    const spans = lambdaSpans(3);
    const request = JSON.parse(encodeTracesJson(spans));
    request.resourceSpans[0].scopeSpans[0].spans[1].traceId = 'abcd';
    const response = await post(collector, '/v1/traces', JSON_UTF8, JSON.stringify(request));
    expect(response.statusCode).toBe(200);
    const answer = decodeResponseJson(response.body);
    expect(answer.rejected).toBe(1);
    expect(answer.errorMessage).toMatch(/traceId must be 16 bytes/);
    expect(json(response)).toMatchObject({ partialSuccess: { rejectedSpans: '1' } });
    await collector.stop();
    const stored = await storage.reader.spansOfTraces([spans[0]?.traceId as string]);
    expect(bySpanId(stored)).toEqual(bySpanId([spans[0], spans[2]] as typeof spans));

    const labels = { receiver: 'otlp', signal: 'traces' };
    const { metrics } = collector;
    expect(await counterValue(metrics, 'firefly_receiver_items_received_total', labels)).toBe(3);
    expect(await counterValue(metrics, 'firefly_receiver_items_accepted_total', labels)).toBe(2);
    expect(
      await counterValue(metrics, 'firefly_receiver_items_rejected_total', { ...labels, reason: 'invalid' }),
    ).toBe(1);
    expect(
      await counterValue(metrics, 'firefly_receiver_requests_total', { receiver: 'otlp', status: '200' }),
    ).toBe(1);
  });

  it('answers partial success in protobuf to a protobuf request', async () => {
    const collector = testCollector(storage);
    const spans = lambdaSpans(4);
    const bad = { ...(spans[3] as (typeof spans)[number]), spanId: '0102' };
    const response = await post(
      collector,
      '/v1/traces',
      PROTOBUF,
      encodeTracesProtobuf([...spans.slice(0, 3), bad]),
    );
    expect(response.statusCode).toBe(200);
    const answer = decodeResponseProtobuf(response.rawPayload);
    expect(answer.rejected).toBe(1);
    expect(answer.errorMessage).toMatch(/span_id must be 8 bytes/);
    await collector.stop();
    expect(await storage.reader.spansOfTraces([spans[0]?.traceId as string])).toHaveLength(3);
  });

  it('answers 200 to an empty export request without submitting anything', async () => {
    const collector = testCollector(storage);
    const response = await post(collector, '/v1/traces', PROTOBUF, new Uint8Array(0));
    expect(response.statusCode).toBe(200);
    expect(decodeResponseProtobuf(response.rawPayload)).toEqual({ rejected: 0, errorMessage: '' });
    await collector.stop();
  });
});

describe('POST /v1/metrics', () => {
  it('stores protobuf points of a gauge and a sum', async () => {
    const collector = testCollector(storage);
    const { points, names } = lambdaPoints(6);
    const response = await post(collector, '/v1/metrics', PROTOBUF, encodeMetricsProtobuf(points));
    expect(response.statusCode).toBe(200);
    expect(decodeResponseProtobuf(response.rawPayload)).toEqual({ rejected: 0, errorMessage: '' });
    await collector.stop();
    expect(byTimeAndName(await storage.reader.metricPoints(names))).toEqual(byTimeAndName(points));
  });

  it('stores gzipped JSON points', async () => {
    const collector = testCollector(storage);
    const { points, names } = lambdaPoints(2);
    const body = gzipSync(encodeMetricsJson(points));
    const response = await post(collector, '/v1/metrics', { ...JSON_UTF8, 'content-encoding': 'GZIP' }, body);
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({});
    await collector.stop();
    expect(await storage.reader.metricPoints(names)).toHaveLength(4);
  });

  it('answers partial success with rejectedDataPoints for a metric without a name', async () => {
    const collector = testCollector(storage);
    const { points, names } = lambdaPoints(1);
    const nameless = { ...(points[0] as MetricPoint), metric: metricNamed('') } as MetricPoint;
    const response = await post(
      collector,
      '/v1/metrics',
      JSON_UTF8,
      encodeMetricsJson([...points, nameless]),
    );
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({ partialSuccess: { rejectedDataPoints: '1' } });
    await collector.stop();
    expect(await storage.reader.metricPoints(names)).toHaveLength(2);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        receiver: 'otlp',
        signal: 'metrics',
        reason: 'invalid',
      }),
    ).toBe(1);
  });
});

describe('OTLP errors', () => {
  it('400 with a google.rpc.Status (INVALID_ARGUMENT) naming the problem for truncated protobuf', async () => {
    const collector = testCollector(storage);
    const truncated = encodeTracesProtobuf(lambdaSpans(2)).subarray(0, 40);
    const response = await post(collector, '/v1/traces', PROTOBUF, truncated);
    expect(response.statusCode).toBe(400);
    // In the request's encoding, as the OTLP/HTTP spec asks.
    expect(response.headers['content-type']).toBe('application/x-protobuf');
    const status = errorStatus(response);
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/truncated|ends|past/i);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_requests_total', {
        receiver: 'otlp',
        status: '400',
      }),
    ).toBe(1);
    await collector.stop();
  });

  it('400 naming the JSON path of a field of the wrong type', async () => {
    const collector = testCollector(storage);
    const response = await post(collector, '/v1/metrics', JSON_UTF8, '{"resourceMetrics": 5}');
    expect(response.statusCode).toBe(400);
    expect((errorStatus(response) as { message: string }).message).toContain('resourceMetrics');
    await collector.stop();
  });

  it('415 for a content type that is neither protobuf nor JSON, or none', async () => {
    const collector = testCollector(storage);
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
      const response = await post(collector, '/v1/traces', headers, 'hello');
      expect(response.statusCode).toBe(415);
      expect(errorStatus(response)).toMatchObject({
        code: 3,
        message: expect.stringMatching(/content type/i),
      });
    }
    await collector.stop();
  });

  it('415 for a content encoding other than gzip or identity', async () => {
    const collector = testCollector(storage);
    const body = encodeTracesProtobuf(lambdaSpans(1));
    const response = await post(collector, '/v1/traces', { ...PROTOBUF, 'content-encoding': 'br' }, body);
    expect(response.statusCode).toBe(415);
    expect((errorStatus(response) as { message: string }).message).toMatch(/Content-Encoding "br"/);
    const identity = await post(
      collector,
      '/v1/traces',
      { ...PROTOBUF, 'content-encoding': 'identity' },
      body,
    );
    expect(identity.statusCode).toBe(200);
    await collector.stop();
  });

  it('400 for a body shorter than its Content-Length', async () => {
    const collector = testCollector(storage);
    const response = await post(collector, '/v1/traces', { ...PROTOBUF, 'content-length': '100' }, 'short');
    expect(response.statusCode).toBe(400);
    expect(errorStatus(response)).toMatchObject({
      code: 3,
      message: expect.stringMatching(/content-length/i),
    });
    await collector.stop();
  });

  it('400 for a body that says gzip and is not', async () => {
    const collector = testCollector(storage);
    const body = encodeTracesProtobuf(lambdaSpans(1));
    const response = await post(collector, '/v1/traces', { ...PROTOBUF, 'content-encoding': 'gzip' }, body);
    expect(response.statusCode).toBe(400);
    expect((errorStatus(response) as { message: string }).message).toMatch(/not valid gzip/);
    await collector.stop();
  });

  it('413 for a body over server.bodyLimitBytes', async () => {
    const collector = testCollector(storage, { config: { server: { bodyLimitBytes: 64 * 1024 } } });
    const spans = lambdaSpans(400);
    const body = encodeTracesProtobuf(spans);
    expect(body.byteLength).toBeGreaterThan(64 * 1024);
    const response = await post(collector, '/v1/traces', PROTOBUF, body);
    expect(response.statusCode).toBe(413);
    expect(errorStatus(response)).toEqual({
      code: 8,
      message: 'the request body is larger than the limit of 65536 bytes',
    });
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_requests_total', {
        receiver: 'otlp',
        status: '413',
      }),
    ).toBe(1);
    await collector.stop();
  });

  it('413 for a gzip bomb (1 GiB of zeros in ~1 MB): decompression stops at the limit', async () => {
    const limit = 4 * 1024 * 1024;
    const collector = testCollector(storage, { config: { server: { bodyLimitBytes: limit } } });
    const bomb = gzipBomb(1024 * 1024 * 1024);
    expect(bomb.byteLength).toBeLessThan(limit);
    const before = process.memoryUsage().arrayBuffers;
    const response = await post(collector, '/v1/traces', { ...PROTOBUF, 'content-encoding': 'gzip' }, bomb);
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(response.statusCode).toBe(413);
    expect((errorStatus(response) as { message: string }).message).toBe(
      `the request body decompresses to more than the limit of ${limit} bytes`,
    );
    // Unbounded, gunzip would have held the whole gigabyte at this point.
    expect(grown).toBeLessThan(256 * 1024 * 1024);
    await collector.stop();
  });

  it('429 with Retry-After when the pipeline is saturated; what it accepted is still stored', async () => {
    const collector = testCollector(storage, {
      config: { pipeline: { queueCapacity: 3, batchTimeoutMs: 60_000, retryAfterSeconds: 11 } },
    });
    const spans = lambdaSpans(4);
    const first = await post(collector, '/v1/traces', PROTOBUF, encodeTracesProtobuf(spans.slice(0, 2)));
    expect(first.statusCode).toBe(200);
    // Room for one more, not two: decoded, then refused whole.
    const second = await post(collector, '/v1/traces', PROTOBUF, encodeTracesProtobuf(spans.slice(2)));
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('11');
    expect(errorStatus(second)).toMatchObject({ code: 8, message: expect.stringMatching(/queue is full/) });
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        receiver: 'otlp',
        signal: 'traces',
        reason: 'saturated',
      }),
    ).toBe(2);
    await collector.stop();
    expect(await storage.reader.spansOfTraces([spans[0]?.traceId as string])).toHaveLength(2);
  });

  it('a full queue refuses the next request before its body is decoded', async () => {
    const collector = testCollector(storage, {
      config: { pipeline: { queueCapacity: 2, batchTimeoutMs: 60_000, retryAfterSeconds: 11 } },
    });
    const spans = lambdaSpans(2);
    expect((await post(collector, '/v1/traces', PROTOBUF, encodeTracesProtobuf(spans))).statusCode).toBe(200);
    // Garbage would be a 400 if it were decoded: the 429 shows it was never read.
    const refused = await post(collector, '/v1/traces', PROTOBUF, Buffer.from('not protobuf at all'));
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('11');
    await collector.stop();
  });

  it('503 with Retry-After once the pipeline is stopping', async () => {
    const collector = testCollector(storage, { config: { pipeline: { retryAfterSeconds: 3 } } });
    await collector.pipeline.stop(1_000);
    const spans = lambdaSpans(1);
    const response = await post(collector, '/v1/traces', PROTOBUF, encodeTracesProtobuf(spans));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('3');
    expect(errorStatus(response)).toMatchObject({
      code: 14,
      message: expect.stringMatching(/shutting down/),
    });
    await collector.stop();
    expect(await storage.reader.spansOfTraces([spans[0]?.traceId as string])).toEqual([]);
  });

  it('503 with Retry-After when the pipeline is unavailable', async () => {
    const collector = testCollector(storage, { pipeline: new UnavailablePipeline(7) });
    const { points } = lambdaPoints(1);
    const response = await post(collector, '/v1/metrics', PROTOBUF, encodeMetricsProtobuf(points));
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('7');
    expect(errorStatus(response)).toMatchObject({ code: 14, message: expect.stringMatching(/no broker/) });
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        receiver: 'otlp',
        signal: 'metrics',
        reason: 'unavailable',
      }),
    ).toBe(2);
    await collector.stop();
  });

  it('500 with a generic Status for an unexpected error, whose detail stays in the log', async () => {
    const pipeline = new UnavailablePipeline();
    pipeline.submitSpans = async () => {
      throw new TypeError("cannot read properties of undefined (reading 'internal detail')");
    };
    const collector = testCollector(storage, { pipeline });
    const response = await post(collector, '/v1/traces', PROTOBUF, encodeTracesProtobuf(lambdaSpans(2)));
    expect(response.statusCode).toBe(500);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(errorStatus(response)).toEqual({ code: 13, message: 'internal error' });
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_items_rejected_total', {
        receiver: 'otlp',
        signal: 'traces',
        reason: 'internal',
      }),
    ).toBe(2);
    await collector.stop();
  });

  it('is not there when disabled', async () => {
    const collector = testCollector(storage, { config: { receivers: { otlp: { enabled: false } } } });
    const response = await post(collector, '/v1/traces', PROTOBUF, encodeTracesProtobuf(lambdaSpans(1)));
    expect(response.statusCode).toBe(404);
    await collector.stop();
  });
});
