import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExportTarget } from '../config/config.js';
import { OtlpHttpClient } from './otlp-http.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

function target(port: number): ExportTarget {
  return {
    url: new URL(`http://127.0.0.1:${port}/v1/traces`),
    headers: {},
    protocol: 'http/protobuf',
    compression: 'none',
    timeoutMs: 2000,
  };
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n';

/**
 * A raw TCP endpoint that answers the first request of each connection with 200 and does `later`
 * to every further request on it: `reset` drops the connection (a collector or load balancer that
 * closed it while the function was frozen), `ignore` never answers (a collector that got slow).
 */
async function firstRequestOnly(later: 'reset' | 'ignore') {
  const seen = { connections: 0, requests: 0 };
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    seen.connections += 1;
    let onThisSocket = 0;
    socket.on('data', (data: Buffer) => {
      const starts = data.toString('latin1').split('POST /').length - 1;
      for (let i = 0; i < starts; i++) {
        seen.requests += 1;
        onThisSocket += 1;
        if (onThisSocket === 1) socket.write(OK);
        else if (later === 'reset') socket.destroy();
      }
    });
  });
  closers.push(() => {
    for (const socket of sockets) socket.destroy();
  });
  return { port: await listen(server), seen };
}

describe('OtlpHttpClient', () => {
  it('sends again on a new connection when a kept-alive one turns out dead (a thawed environment)', async () => {
    const { port, seen } = await firstRequestOnly('reset');
    const client = new OtlpHttpClient();
    const deadline = () => performance.now() + 5000;
    expect(await client.post(target(port), new Uint8Array([1]), deadline())).toMatchObject({ ok: true });
    expect(await client.post(target(port), new Uint8Array([2]), deadline())).toMatchObject({
      ok: true,
      status: 200,
    });
    expect(seen).toEqual({ connections: 2, requests: 3 });
  });

  it('does not send again when a reused connection timed out: the wait is not doubled', async () => {
    // A retry on a new connection would be answered.
    const { port, seen } = await firstRequestOnly('ignore');
    const client = new OtlpHttpClient();
    const slow = { ...target(port), timeoutMs: 300 };
    expect(await client.post(slow, new Uint8Array([1]), performance.now() + 5000)).toMatchObject({
      ok: true,
    });
    const outcome = await client.post(slow, new Uint8Array([2]), performance.now() + 5000);
    // Given up after the target's own timeout, and not sent again on a new connection (which
    // this server would answer).
    expect(outcome).toMatchObject({ ok: false, sent: true, status: 0, cutShort: false });
    expect(outcome.reason).toContain('within 300 ms');
    expect(seen).toEqual({ connections: 1, requests: 2 });
  });

  it('says when no answer came within a wait the deadline cut below the timeout', async () => {
    let requests = 0;
    const server = createHttpServer(() => {
      requests += 1;
    });
    closers.push(() => server.closeAllConnections());
    const port = await listen(server);
    const client = new OtlpHttpClient();
    const cut = await client.post(target(port), new Uint8Array([1]), performance.now() + 100);
    expect(cut).toMatchObject({ ok: false, sent: true, status: 0, cutShort: true });
    const full = await client.post(
      { ...target(port), timeoutMs: 100 },
      new Uint8Array([1]),
      performance.now() + 5000,
    );
    expect(full).toMatchObject({ ok: false, sent: true, status: 0, cutShort: false });
    expect(full.reason).toContain('within 100 ms');
    expect(requests).toBe(2);
  });

  it('tries once more after 503, and not after 400', async () => {
    const statuses = [503, 200, 400, 200];
    let requests = 0;
    const port = await listen(
      createHttpServer((req, res) => {
        req.resume();
        requests += 1;
        res.writeHead(statuses.shift() ?? 500).end();
      }),
    );
    const client = new OtlpHttpClient();
    expect(await client.post(target(port), new Uint8Array([1]), performance.now() + 5000)).toMatchObject({
      ok: true,
    });
    expect(requests).toBe(2);
    const refused = await client.post(target(port), new Uint8Array([1]), performance.now() + 5000);
    expect(refused).toMatchObject({ ok: false, sent: true, status: 400 });
    expect(refused.reason).toContain('answered 400');
    expect(requests).toBe(3);
  });

  it('does not send when the deadline has passed', async () => {
    let requests = 0;
    const port = await listen(
      createHttpServer((_req, res) => {
        requests += 1;
        res.end();
      }),
    );
    const outcome = await new OtlpHttpClient().post(target(port), new Uint8Array([1]), performance.now() - 1);
    expect(outcome).toMatchObject({ ok: false, sent: false, status: 0 });
    expect(outcome.reason).toContain('no time left');
    expect(requests).toBe(0);
  });

  it('reports a connection failure', async () => {
    const port = await listen(createHttpServer());
    closers.pop()?.();
    const outcome = await new OtlpHttpClient().post(
      target(port),
      new Uint8Array([1]),
      performance.now() + 2000,
    );
    expect(outcome).toMatchObject({ ok: false, sent: true, status: 0, cutShort: false });
    expect(outcome.reason).toMatch(/ECONNREFUSED/);
  });
});
