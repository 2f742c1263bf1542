import type { Span } from '@firefly/model';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment, responseJson } from '../../test-support/lambda.js';

let lambda: LambdaEnvironment | undefined;
afterEach(async () => {
  await lambda?.stop();
  lambda = undefined;
});

async function start(env: Record<string, string> = {}) {
  lambda = await LambdaEnvironment.start({
    handler: 'ready.handler',
    taskRoot: `${FUNCTIONS}wrap-esm`,
    via: 'wrap',
    env,
  });
  return lambda;
}

function durationMs(span: Span): number {
  return Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
}

describe('the timeout guard', () => {
  for (const mode of ['sync', 'async']) {
    it(`ends and exports the span of an invocation about to time out (${mode} mode)`, async () => {
      // An 800 ms margin leaves the export time even on a loaded machine.
      const env = await start({ FIREFLY_FLUSH_MODE: mode, FIREFLY_TIMEOUT_MARGIN_MS: '800' });
      const result = await env.invoke({ test: { action: 'sleep', ms: 10_000 } }, { timeoutMs: 4000 });
      expect(result.kind).toBe('timeout');
      const timedOut = env.timeline.find('timeout');
      const traces = env.timeline.find('traces');
      expect(traces?.seq).toBeLessThan(timedOut?.seq ?? -1);
      const [span] = env.otlp.spansOf(result.requestId);
      expect(span?.status).toEqual({ code: 2, message: 'the invocation was about to time out' });
      expect(span?.attributes).toMatchObject({ 'firefly.timeout': true, 'error.type': 'timeout' });
      // The guard fires 800 ms before the 4 s deadline.
      expect(durationMs(span as Span)).toBeGreaterThan(3100);
      expect(durationMs(span as Span)).toBeLessThan(4000);
      await env.otlp.until(() => env.otlp.points.some((p) => p.metric.name === 'faas.timeouts'));
    });
  }

  it('does not fire for invocations that end in time, nor later', async () => {
    const env = await start();
    const quick = await env.invoke({ test: { action: 'sleep', ms: 50 } }, { timeoutMs: 1000 });
    expect(responseJson(quick)).toEqual({ slept: 50 });
    const later = await env.invoke({ test: { action: 'sleep', ms: 1200 } }, { timeoutMs: 5000 });
    expect(responseJson(later)).toEqual({ slept: 1200 });
    for (const { requestId } of [quick, later]) {
      const [span] = env.otlp.spansOf(requestId);
      expect(span?.attributes['firefly.timeout']).toBeUndefined();
      expect(span?.status.code).toBe(0);
    }
  });

  it('fires FIREFLY_TIMEOUT_MARGIN_MS before the deadline, at most a fifth of the budget', async () => {
    const env = await start({ FIREFLY_TIMEOUT_MARGIN_MS: '900' });
    // The invocation's own outcome (a timeout at 5 s) is not awaited: the span tells when the guard fired.
    const invoked = env.invoke({ test: { action: 'sleep', ms: 10_000 } }, { timeoutMs: 5000 });
    await env.otlp.until(() => env.otlp.spans.length === 1, 10_000);
    // 900 ms before the 5 s deadline; the default 500 ms margin would have waited until 4.5 s.
    expect(durationMs(env.otlp.spans[0] as Span)).toBeGreaterThan(4000);
    expect(durationMs(env.otlp.spans[0] as Span)).toBeLessThan(4400);
    expect((await invoked).kind).toBe('timeout');

    const capped = await start({ FIREFLY_TIMEOUT_MARGIN_MS: '5000' });
    const short = await capped.invoke({ test: { action: 'sleep', ms: 10_000 } }, { timeoutMs: 3000 });
    const [shortSpan] = capped.otlp.spansOf(short.requestId);
    // Capped at a fifth of the 3 s budget: at 2.4 s, not right away.
    expect(durationMs(shortSpan as Span)).toBeGreaterThan(2300);
  });
});
