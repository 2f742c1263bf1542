import type { ClickHouseStorage } from '@firefly/clickhouse-storage';
import { encodeTracesProtobuf } from '@firefly/otlp-codec';
import { encodeRemoteWrite, REMOTE_WRITE_HEADERS } from '@firefly/prometheus-codec';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  counterValue,
  errorStatus,
  lambdaPoints,
  lambdaSpans,
  type TestCollector,
  testCollector,
  testStorage,
  UnavailablePipeline,
} from '../../test-support/receivers.js';
import { serverContext } from '../server-context.js';
import { CollectorMetrics } from '../telemetry/metrics.js';
import { otlpReceiver } from './otlp-receiver.js';

const TOKEN = 'otlp-token-0123456789abcdef';
const ROTATED = 'otlp-token-fedcba9876543210';
const PROM_TOKEN = 'prometheus-token-0123456789';

let storage: ClickHouseStorage;
let collector: TestCollector;
beforeAll(async () => {
  storage = await testStorage();
  collector = testCollector(storage, {
    config: {
      receivers: {
        otlp: { auth: { tokens: [TOKEN, ROTATED] } },
        prometheus: { auth: { tokens: [PROM_TOKEN] } },
      },
    },
  });
});
afterAll(async () => {
  await collector.stop();
  await storage.close();
});

const traces = (headers: Record<string, string>) =>
  collector.app.inject({
    method: 'POST',
    url: '/v1/traces',
    headers: { 'content-type': 'application/x-protobuf', ...headers },
    payload: Buffer.from(encodeTracesProtobuf(lambdaSpans(1))),
  });

describe('token authentication', () => {
  it('accepts a configured token as Authorization: Bearer (any scheme case) or X-API-Key', async () => {
    const accepted: Record<string, string>[] = [
      { authorization: `Bearer ${TOKEN}` },
      { authorization: `bearer ${ROTATED}` },
      { 'x-api-key': TOKEN },
      { authorization: 'Basic dXNlcjpwYXNz', 'x-api-key': ROTATED },
    ];
    for (const headers of accepted) {
      const response = await traces(headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(200);
    }
  });

  it('answers 401 with one generic body and WWW-Authenticate: Bearer, whatever failed', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: TOKEN },
      { authorization: `Basic ${TOKEN}` },
      { 'x-api-key': 'wrong' },
      { authorization: `Bearer ${PROM_TOKEN}` },
    ];
    const bodies = new Set<string>();
    for (const headers of attempts) {
      const response = await traces(headers);
      expect(response.statusCode, JSON.stringify(headers)).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
      bodies.add(response.rawPayload.toString('hex'));
      expect(errorStatus(response)).toEqual({ code: 16, message: 'missing or invalid credentials' });
    }
    // Byte for byte the same, whatever failed: the answer says nothing about which part was wrong.
    expect(bodies.size).toBe(1);
    expect(
      await counterValue(collector.metrics, 'firefly_receiver_requests_total', {
        receiver: 'otlp',
        status: '401',
      }),
    ).toBe(attempts.length);
  });

  it('checks the token before the body: a wrong token with a bad body is still 401', async () => {
    const response = await collector.app.inject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'text/plain', authorization: 'Bearer nope' },
      payload: 'not OTLP',
    });
    expect(response.statusCode).toBe(401);
  });

  it('protects each receiver with its own tokens', async () => {
    const body = encodeRemoteWrite(lambdaPoints(1).points);
    const write = (headers: Record<string, string>) =>
      collector.app.inject({
        method: 'POST',
        url: '/api/v1/write',
        headers: { ...REMOTE_WRITE_HEADERS, ...headers },
        payload: body,
      });
    const wrong = await write({ authorization: `Bearer ${TOKEN}` });
    const missing = await write({});
    expect([wrong.statusCode, missing.statusCode]).toEqual([401, 401]);
    expect(wrong.body).toBe(missing.body);
    expect(wrong.body).toBe('missing or invalid credentials\n');
    expect(wrong.headers['www-authenticate']).toBe('Bearer');
    expect((await write({ 'x-api-key': PROM_TOKEN })).statusCode).toBe(204);
  });

  it('refuses a token shorter than 16 characters at registration, as the configuration does', async () => {
    const app = Fastify();
    app.register(serverContext, { pipeline: new UnavailablePipeline(), metrics: new CollectorMetrics() });
    app.register(otlpReceiver, { bodyLimitBytes: 1024, auth: { tokens: [TOKEN, 'fifteen-chars-x'] } });
    await expect(app.ready()).rejects.toThrow(
      'firefly-otlp-receiver: invalid options: auth.tokens.1: tokens must be at least 16 characters',
    );
  });

  it('leaves the health, readiness and metrics routes open', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics']) {
      const response = await collector.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
    }
  });
});
