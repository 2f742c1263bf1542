import { Writable } from 'node:stream';
import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { encodeTracesProtobuf } from '@firefly/otlp-codec';
import { encodeRemoteWrite, REMOTE_WRITE_HEADERS } from '@firefly/prometheus-codec';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  json,
  lambdaPoints,
  lambdaSpans,
  testCollector,
  testStorage,
  UnavailablePipeline,
} from '../test-support/receivers.js';

let storage: ClickHouseStorage;
beforeAll(async () => {
  storage = await testStorage();
});
afterAll(() => storage.close());

describe('GET /healthz', () => {
  it('answers 200 while the process runs, even when the pipeline cannot take data', async () => {
    const collector = testCollector(storage, { pipeline: new UnavailablePipeline() });
    const response = await collector.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({ status: 'alive' });
    await collector.stop();
  });
});

describe('GET /readyz', () => {
  it('answers 200 with each check while storage answers, then 503 once the pipeline is stopping', async () => {
    const collector = testCollector(storage);
    const ready = await collector.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(json(ready)).toMatchObject({
      ready: true,
      checks: { storage: { ok: true }, queue: { ok: true, detail: expect.stringMatching(/^0 items held/) } },
    });
    await collector.pipeline.stop(1_000);
    const stopping = await collector.app.inject({ method: 'GET', url: '/readyz' });
    expect(stopping.statusCode).toBe(503);
    expect(json(stopping)).toMatchObject({
      ready: false,
      checks: { queue: { ok: false, detail: 'stopping' } },
    });
    await collector.stop();
  });

  it('answers 503 with the failing dependency', async () => {
    const collector = testCollector(storage, { pipeline: new UnavailablePipeline() });
    const response = await collector.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(json(response)).toEqual({
      ready: false,
      checks: { kafka: { ok: false, detail: 'no broker answers' } },
    });
    await collector.stop();
  });

  it('answers 503 when the readiness check itself throws', async () => {
    const pipeline = new UnavailablePipeline();
    pipeline.readiness = async () => {
      throw new Error('admin client closed');
    };
    const collector = testCollector(storage, { pipeline });
    const response = await collector.app.inject({ method: 'GET', url: '/readyz' });
    expect(response.statusCode).toBe(503);
    expect(json(response)).toEqual({
      ready: false,
      checks: { pipeline: { ok: false, detail: 'readiness check failed: admin client closed' } },
    });
    await collector.stop();
  });
});

describe('GET /metrics', () => {
  it('exposes the collector registry in the Prometheus text format, requests counted by status', async () => {
    const collector = testCollector(storage);
    await collector.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'text/plain' },
      payload: 'x',
    });
    await collector.app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: REMOTE_WRITE_HEADERS,
      payload: encodeRemoteWrite(lambdaPoints(2).points),
    });
    const response = await collector.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(collector.metrics.registry.contentType);
    expect(response.body).toContain('firefly_receiver_requests_total{receiver="otlp",status="415"} 1');
    expect(response.body).toContain('firefly_receiver_requests_total{receiver="prometheus",status="204"} 1');
    expect(response.body).toContain(
      'firefly_receiver_items_accepted_total{receiver="prometheus",signal="metrics"} 4',
    );
    expect(response.body).toContain('firefly_process_cpu_seconds_total');
    await collector.stop();
  });
});

describe('receivers', () => {
  it('registers only the enabled ones', async () => {
    const collector = testCollector(storage, {
      config: {
        receivers: { otlp: { enabled: false }, prometheus: { enabled: false }, firehose: { enabled: false } },
      },
    });
    for (const url of ['/v1/traces', '/v1/metrics', '/api/v1/write', '/firehose']) {
      const response = await collector.app.inject({ method: 'POST', url, payload: 'x' });
      expect(response.statusCode, url).toBe(404);
    }
    expect((await collector.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    await collector.stop();
  });
});

describe('logging', () => {
  function captured() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).trim().split('\n'));
        done();
      },
    });
    return { lines, stream };
  }

  it("adds the credential headers to pino's redact paths, keeping the caller's own", async () => {
    const { lines, stream } = captured();
    const collector = testCollector(storage, { logger: { level: 'info', stream, redact: ['password'] } });
    collector.app.log.info(
      {
        headers: {
          authorization: 'Bearer secret-1',
          'x-amz-firehose-access-key': 'secret-2',
          host: 'collector',
        },
        password: 'secret-3',
      },
      'logged by someone else',
    );
    await collector.stop();
    const [entry] = lines.map((line) => JSON.parse(line));
    expect(entry).toMatchObject({
      headers: { authorization: '[Redacted]', 'x-amz-firehose-access-key': '[Redacted]', host: 'collector' },
      password: '[Redacted]',
    });
  });

  it.each([
    ['pino options', (stream: Writable) => ({ level: 'info', stream })],
    ['a pino instance without redaction', (stream: Writable) => pino({ level: 'info' }, stream)],
  ])('logs rejected requests with their headers, credentials redacted (%s)', async (_, logger) => {
    const { lines, stream } = captured();
    const collector = testCollector(storage, {
      logger: logger(stream),
      config: {
        receivers: {
          otlp: { auth: { tokens: ['the-one-true-token-0123'] } },
          firehose: { accessKeys: ['the-firehose-key'] },
        },
      },
    });
    const otlp = await collector.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: {
        'content-type': 'application/x-protobuf',
        authorization: 'Bearer secret-bearer-guess-1',
        'x-api-key': 'secret-api-key-guess-2',
        'user-agent': 'OTel-OTLP-Exporter-JavaScript/0.223.1',
      },
      payload: Buffer.from(encodeTracesProtobuf(lambdaSpans(1))),
    });
    const firehose = await collector.app.inject({
      method: 'POST',
      url: '/firehose',
      headers: { 'content-type': 'application/json', 'x-amz-firehose-access-key': 'secret-firehose-guess-3' },
      payload: '{}',
    });
    expect([otlp.statusCode, firehose.statusCode]).toEqual([401, 401]);
    await collector.stop();

    const rejections = lines.map((line) => JSON.parse(line)).filter((entry) => entry.code === 'UNAUTHORIZED');
    expect(rejections).toHaveLength(2);
    expect(rejections[0]).toMatchObject({
      level: 30,
      receiver: 'otlp',
      status: 401,
      headers: {
        authorization: '[Redacted]',
        'x-api-key': '[Redacted]',
        'user-agent': 'OTel-OTLP-Exporter-JavaScript/0.223.1',
      },
    });
    expect(rejections[1]).toMatchObject({
      receiver: 'firehose',
      headers: { 'x-amz-firehose-access-key': '[Redacted]' },
    });
    const all = lines.join('\n');
    for (const secret of ['secret-bearer-guess-1', 'secret-api-key-guess-2', 'secret-firehose-guess-3']) {
      expect(all).not.toContain(secret);
    }
  });
});
