import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment, responseJson } from '../../test-support/lambda.js';
import { guardMargin, syncFlushBudget } from './budget.js';

describe('guardMargin', () => {
  it('is the configured margin, at most a fifth of the time left', () => {
    expect(guardMargin(10_000, 500)).toBe(500);
    expect(guardMargin(2000, 500)).toBe(400);
    expect(guardMargin(0, 500)).toBe(0);
  });
});

describe('syncFlushBudget', () => {
  it('is the cap while the invocation has time to spare', () => {
    expect(syncFlushBudget(60_000, 500, 1000)).toBe(1000);
  });

  it('ends where the timeout guard would act when that comes first', () => {
    // 2000 ms left, guard 400 ms before the deadline (a fifth): 1600 ms.
    expect(syncFlushBudget(2000, 500, 5000)).toBe(1600);
    expect(syncFlushBudget(1200, 500, 1000)).toBe(960);
  });

  it('is never negative, and the cap when the deadline is unknown', () => {
    expect(syncFlushBudget(-50, 500, 1000)).toBe(0);
    expect(syncFlushBudget(undefined, 500, 1000)).toBe(1000);
  });
});

describe('the flush before the response (sync mode) against a collector that never answers', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  async function silentCollector(): Promise<{ url: string; requests: () => number }> {
    let requests = 0;
    const server: Server = createServer(() => {
      requests += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    });
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests: () => requests };
  }

  async function start(env: Record<string, string>) {
    const lambda = await LambdaEnvironment.start({
      handler: 'index.handler',
      taskRoot: `${FUNCTIONS}wrap-esm`,
      via: 'wrap',
      env,
    });
    cleanup.push(() => lambda.stop());
    return lambda;
  }

  it('holds the response at most FIREFLY_SYNC_FLUSH_TIMEOUT_MS, not the 10 s export timeout', async () => {
    const collector = await silentCollector();
    const lambda = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      FIREFLY_SYNC_FLUSH_TIMEOUT_MS: '300',
    });
    const result = await lambda.invoke({}, { timeoutMs: 30_000 });
    expect(responseJson(result)).toEqual({ requestId: result.requestId });
    if (result.kind !== 'response') return;
    // It did wait for the export (the cap less 20 ms spare), and no longer.
    expect(collector.requests()).toBe(2);
    expect(result.latencyMs).toBeGreaterThan(250);
    expect(result.latencyMs).toBeLessThan(1500);
    await lambda.otlp.until(() => lambda.logs.includes('no answer from'), 5000);
    const waited = Number(/no answer from \S+ within (\d+) ms/.exec(lambda.logs)?.[1]);
    expect(waited).toBeGreaterThan(250);
    expect(waited).toBeLessThanOrEqual(280);
  });

  it('ends before the timeout guard would act, so the response still comes in time', async () => {
    const collector = await silentCollector();
    const lambda = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      FIREFLY_SYNC_FLUSH_TIMEOUT_MS: '10000',
    });
    // The handler leaves 2 s of a 4 s timeout: the guard would act 400 ms (a fifth) before the
    // deadline, so the flush gets 1.6 s, and the runtime has the result 400 ms before the deadline.
    const result = await lambda.invoke({ test: { action: 'sleep', ms: 2000 } }, { timeoutMs: 4000 });
    expect(responseJson(result)).toEqual({ slept: 2000 });
    if (result.kind !== 'response') return;
    expect(result.latencyMs).toBeGreaterThan(3400);
    expect(result.latencyMs).toBeLessThan(3800);
  });
});
