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
      const env = await start({ FIREFLY_FLUSH_MODE: mode });
      const result = await env.invoke({ test: { action: 'sleep', ms: 10_000 } }, { timeoutMs: 2500 });
      expect(result.kind).toBe('timeout');
      const timedOut = env.timeline.find('timeout');
      const traces = env.timeline.find('traces');
      expect(traces?.seq).toBeLessThan(timedOut?.seq ?? -1);
      const [span] = env.otlp.spansOf(result.requestId);
      expect(span?.status).toEqual({ code: 2, message: 'the invocation was about to time out' });
      expect(span?.attributes).toMatchObject({ 'firefly.timeout': true, 'error.type': 'timeout' });
      // The guard fires the default 500 ms margin before the 2.5 s deadline.
      expect(durationMs(span as Span)).toBeGreaterThan(1900);
      expect(durationMs(span as Span)).toBeLessThan(2500);
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
    const env = await start({ FIREFLY_TIMEOUT_MARGIN_MS: '300' });
    const result = await env.invoke({ test: { action: 'sleep', ms: 10_000 } }, { timeoutMs: 3000 });
    expect(result.kind).toBe('timeout');
    const [span] = env.otlp.spansOf(result.requestId);
    expect(span?.attributes['firefly.timeout']).toBe(true);
    // The default margin would be 500 ms (guard at 2.5 s); 300 ms puts it at 2.7 s.
    expect(durationMs(span as Span)).toBeGreaterThan(2600);
    const capped = await start({ FIREFLY_TIMEOUT_MARGIN_MS: '5000' });
    const short = await capped.invoke({ test: { action: 'sleep', ms: 10_000 } }, { timeoutMs: 2000 });
    const [shortSpan] = capped.otlp.spansOf(short.requestId);
    // Capped at a fifth of the 2 s budget: 1.6 s, not right away.
    expect(durationMs(shortSpan as Span)).toBeGreaterThan(1500);
  });
});
