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

  it('ends where the timeout guard would act, by the margin the guard was started with', () => {
    // 4000 ms left at the start: the guard acts 500 ms before the deadline (not a fifth of what is
    // left when the handler ends). With 2000 ms left then, the flush gets 1500 ms, not 1600.
    const margin = guardMargin(4000, 500);
    expect(syncFlushBudget(2000, margin, 5000)).toBe(1500);
    // 1200 ms left at the start: the guard acts 240 ms before the deadline.
    expect(syncFlushBudget(1000, guardMargin(1200, 500), 1000)).toBe(760);
  });

  it('is never negative, and the cap when the deadline is unknown', () => {
    expect(syncFlushBudget(-50, 0, 1000)).toBe(0);
    expect(syncFlushBudget(300, 500, 1000)).toBe(0);
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

  /** How long the exports waited for the silent collector, from the warning they logged. */
  async function waitedMs(lambda: LambdaEnvironment): Promise<number> {
    await lambda.otlp.until(() => lambda.logs.includes('no answer from'), 5000);
    return Number(/no answer from \S+ within (\d+) ms/.exec(lambda.logs)?.[1]);
  }

  it('holds the response at most FIREFLY_SYNC_FLUSH_TIMEOUT_MS, not the 10 s export timeout', async () => {
    const collector = await silentCollector();
    const lambda = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      FIREFLY_SYNC_FLUSH_TIMEOUT_MS: '300',
    });
    const result = await lambda.invoke({}, { timeoutMs: 30_000 });
    expect(responseJson(result)).toEqual({ requestId: result.requestId });
    // It did wait for the export — one request per signal, a timed-out one not sent again — and
    // gave up within the cap less the 20 ms spare, not the 10 s export timeout.
    expect(collector.requests()).toBe(2);
    const waited = await waitedMs(lambda);
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(280);
  });

  it('ends before the timeout guard would act, so the response still comes in time', async () => {
    const collector = await silentCollector();
    const lambda = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      FIREFLY_SYNC_FLUSH_TIMEOUT_MS: '10000',
      // How long the export waited is logged at debug level only.
      OTEL_LOG_LEVEL: 'debug',
    });
    // 4 s of timeout: the guard started 500 ms before the deadline (a fifth of 4 s is more). The
    // handler leaves at most 2 s, so the flush gets at most 1.5 s (less the 20 ms spare) — not a
    // fifth of what is left when the handler ends (1.6 s), which would outlast the guard.
    const result = await lambda.invoke({ test: { action: 'sleep', ms: 2000 } }, { timeoutMs: 4000 });
    // The stand-in times the invocation out at its deadline: a response means it came in time.
    expect(result.kind).toBe('response');
    expect(responseJson(result)).toEqual({ slept: 2000 });
    expect(collector.requests()).toBe(2);
    const waited = await waitedMs(lambda);
    expect(waited).toBeGreaterThan(0);
    expect(waited).toBeLessThanOrEqual(1480);
    // The deadline, not the collector, cut the wait short: no failure streak begins.
    expect(lambda.logs).toContain(
      `spans not exported: no answer from ${collector.url}/v1/traces before the invocation's deadline`,
    );
    expect(lambda.logs).not.toContain('exports pause');
  });
});
