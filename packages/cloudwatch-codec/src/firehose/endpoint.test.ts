import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { SummaryPoint } from '@firefly/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firehoseEndpoint } from '../../test-support/firehose-endpoint.js';
import { jsonRecord, lambdaDatums, otelRecord } from '../../test-support/metric-stream.js';

const received: { points: SummaryPoint[]; rejected: number }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  const handler = firehoseEndpoint({
    accessKey: 'secret-key',
    format: 'json',
    onPoints: (points, rejected) => received.push({ points, rejected }),
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function deliver(records: Uint8Array[], headers: Record<string, string> = {}, requestId = 'req-1') {
  const body = JSON.stringify({
    requestId,
    timestamp: Date.now(),
    records: records.map((r) => ({ data: Buffer.from(r).toString('base64') })),
  });
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
      'x-amz-firehose-protocol-version': '1.0',
      'x-amz-firehose-request-id': 'req-1',
      'x-amz-firehose-access-key': 'secret-key',
      ...headers,
    },
    body: gzipSync(body),
  });
}

describe('the README endpoint over real HTTP', () => {
  it('acknowledges a gzip delivery of metric stream records with 200 and the request id', async () => {
    const before = Date.now();
    const response = await deliver([jsonRecord(lambdaDatums(2, 0)), jsonRecord(lambdaDatums(2, 60_000))]);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as { timestamp: number };
    expect(body).toEqual({ requestId: 'req-1', timestamp: expect.any(Number) });
    expect(body.timestamp).toBeGreaterThanOrEqual(before);
    expect(received.at(-1)?.points).toHaveLength(2 * lambdaDatums(2, 0).length);
  });

  it('answers 401 with an errorMessage for a wrong access key, without decoding', async () => {
    const count = received.length;
    const response = await deliver([jsonRecord(lambdaDatums(1, 0))], {
      'x-amz-firehose-access-key': 'guess',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      requestId: 'req-1',
      errorMessage: 'X-Amz-Firehose-Access-Key is not a valid key',
    });
    expect(received).toHaveLength(count);
  });

  it('answers 400 naming the problem for a mismatched request id', async () => {
    const response = await deliver([jsonRecord(lambdaDatums(1, 0))], {}, 'req-2');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errorMessage: string }).errorMessage).toBe(
      'the body\'s requestId "req-2" is not X-Amz-Firehose-Request-Id "req-1"',
    );
  });

  it('counts lines of the wrong format as rejected instead of failing the delivery', async () => {
    const response = await deliver([otelRecord(lambdaDatums(1, 0))]);
    expect(response.status).toBe(200);
    expect(received.at(-1)?.points).toHaveLength(0);
    expect(received.at(-1)?.rejected).toBeGreaterThan(0);
  });
});
