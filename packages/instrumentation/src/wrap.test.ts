import { readFileSync } from 'node:fs';
import type { Span } from '@firefly/model';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment, responseJson } from '../test-support/lambda.js';
import type { InvokeResult } from '../test-support/runtime-api.js';

const apiGatewayHttp = JSON.parse(
  readFileSync(new URL('./testdata/events/apigw-http.json', import.meta.url), 'utf8'),
);
const apiGatewayRest = JSON.parse(
  readFileSync(new URL('./testdata/events/apigw-rest.json', import.meta.url), 'utf8'),
);
const sqs = JSON.parse(readFileSync(new URL('./testdata/events/sqs.json', import.meta.url), 'utf8'));

let lambda: LambdaEnvironment | undefined;
afterEach(async () => {
  await lambda?.stop();
  lambda = undefined;
});

function start(handler: string, env: Record<string, string> = {}) {
  return LambdaEnvironment.start({ handler, taskRoot: `${FUNCTIONS}wrap-esm`, via: 'wrap', env }).then(
    (started) => {
      lambda = started;
      return started;
    },
  );
}

function onlySpan(environment: LambdaEnvironment, requestId: string): Span {
  const spans = environment.otlp.spansOf(requestId);
  expect(spans).toHaveLength(1);
  return spans[0] as Span;
}

function requestIdOf(result: InvokeResult): string {
  return result.requestId;
}

describe('wrap() in sync mode', () => {
  it('exports the invocation span before the response reaches the runtime, then the environment freezes', async () => {
    const env = await start('index.handler');
    const result = await env.invoke(apiGatewayHttp);
    expect(responseJson(result)).toMatchObject({ requestId: result.requestId });
    await env.runtime.whenFrozen();
    const { timeline } = env;
    const invoke = timeline.find('invoke', -1, (e) => e.requestId === result.requestId);
    const traces = timeline.find('traces', invoke?.seq);
    const metrics = timeline.find('metrics', invoke?.seq);
    const response = timeline.find('response', invoke?.seq);
    const frozen = timeline.find('frozen', response?.seq);
    expect(traces?.seq).toBeLessThan(response?.seq ?? -1);
    expect(metrics?.seq).toBeLessThan(response?.seq ?? -1);
    expect(frozen).toBeDefined();
    const span = onlySpan(env, result.requestId);
    expect(span.name).toBe('POST /orders/{orderId}');
    expect(span.kind).toBe(2); // SERVER
    expect(span.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.parentSpanId).toBe('00f067aa0ba902b7');
    expect(span.attributes).toMatchObject({
      'faas.trigger': 'http',
      'faas.coldstart': true,
      'cloud.account.id': '123456789012',
      'cloud.resource_id': 'arn:aws:lambda:eu-west-1:123456789012:function:test-function',
      'http.request.method': 'POST',
      'http.response.status_code': 200n,
    });
    expect(span.resource.attributes).toMatchObject({
      'service.name': 'test-function',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
      'faas.name': 'test-function',
      'faas.version': '$LATEST',
      'faas.max_memory': 512n * 1024n * 1024n,
      'faas.instance': '2025/11/25/[$LATEST]0123456789abcdef',
      // Learnt from the first invocation's ARN.
      'cloud.account.id': '123456789012',
    });
    // The X-Ray header stays a link: the W3C parent is never replaced.
    expect(span.links.map((link) => link.traceId)).toEqual(['5e6722a7cc56a9e146db7ae02d4da47e']);
  });

  it('marks only the first invocation of an environment as a cold start', async () => {
    const env = await start('index.handler');
    const first = await env.invoke({});
    const second = await env.invoke({});
    const third = await env.invoke({});
    expect(onlySpan(env, first.requestId).attributes['faas.coldstart']).toBe(true);
    expect(onlySpan(env, second.requestId).attributes['faas.coldstart']).toBe(false);
    expect(onlySpan(env, third.requestId).attributes['faas.coldstart']).toBe(false);
    const coldstarts = env.otlp.points.filter((p) => p.metric.name === 'faas.coldstarts');
    expect(coldstarts.map((p) => (p.type === 'sum' ? p.value : undefined))).toEqual([1n]);
    const init = env.otlp.points.filter((p) => p.metric.name === 'faas.init_duration');
    expect(init).toHaveLength(1);
  });

  it('records a thrown error with status ERROR and passes it on to the runtime', async () => {
    const env = await start('index.handler');
    const result = await env.invoke({ test: { action: 'throw', message: 'no such order' } });
    expect(result).toMatchObject({
      kind: 'error',
      errorType: 'TypeError',
      error: { errorMessage: 'no such order' },
    });
    const span = onlySpan(env, requestIdOf(result));
    expect(span.status).toEqual({ code: 2, message: 'no such order' });
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.events.map((event) => [event.name, event.attributes['exception.type']])).toEqual([
      ['exception', 'TypeError'],
    ]);
    const errorEvent = env.timeline.find('error');
    expect(env.timeline.find('traces')?.seq).toBeLessThan(errorEvent?.seq ?? -1);
    const errors = env.otlp.points.filter((p) => p.metric.name === 'faas.errors');
    expect(errors).toHaveLength(1);
  });

  it('records callback(error), and a throw before calling back', async () => {
    const env = await start('index.callback');
    const viaCallback = await env.invoke({ test: { action: 'callback-error' } });
    expect(viaCallback).toMatchObject({
      kind: 'error',
      error: { errorMessage: 'failed through the callback' },
    });
    expect(onlySpan(env, viaCallback.requestId).status.code).toBe(2);
    const thrown = await env.invoke({ test: { action: 'throw' } });
    expect(thrown).toMatchObject({ kind: 'error', errorType: 'RangeError' });
    expect(onlySpan(env, thrown.requestId).attributes['error.type']).toBe('RangeError');
    const ok = await env.invoke({});
    expect(responseJson(ok)).toEqual({ requestId: ok.requestId, via: 'callback' });
    expect(onlySpan(env, ok.requestId).status.code).toBe(0);
  });

  it('ends the span of a callback handler that never calls back when the event loop empties', async () => {
    const env = await start('index.neverCallsBack');
    const result = await env.invoke({});
    expect(responseJson(result)).toBeNull();
    await env.otlp.until(() => env.otlp.spansOf(result.requestId).length === 1);
    const second = await env.invoke({});
    await env.otlp.until(() => env.otlp.spansOf(second.requestId).length === 1);
  });

  it('settles the invocation before the legacy context.succeed/fail/done report to the runtime', async () => {
    const env = await start('index.legacy');
    const cases = [
      { method: 'succeed', kind: 'response', body: { via: 'succeed' }, status: { code: 0, message: '' } },
      { method: 'done', kind: 'response', body: { via: 'done' }, status: { code: 0, message: '' } },
      {
        method: 'fail',
        kind: 'error',
        errorType: 'RangeError',
        status: { code: 2, message: 'failed through context.fail' },
      },
      {
        method: 'done-error',
        kind: 'error',
        errorType: 'Error',
        status: { code: 2, message: 'failed through context.done' },
      },
    ];
    for (const { method, kind, body, errorType, status } of cases) {
      const result = await env.invoke({ test: { method } });
      expect(result.kind).toBe(kind);
      if (body) expect(responseJson(result)).toEqual(body);
      if (errorType) expect(result).toMatchObject({ errorType, error: { errorMessage: status.message } });
      const span = onlySpan(env, result.requestId);
      expect(span.status).toEqual(status);
      if (errorType) expect(span.attributes['error.type']).toBe(errorType);
      // Exported before the runtime had the answer (sync mode).
      const invoke = env.timeline.find('invoke', -1, (e) => e.requestId === result.requestId);
      const traces = env.timeline.find('traces', invoke?.seq);
      const answer = env.timeline.find(kind === 'error' ? 'error' : 'response', invoke?.seq);
      expect(traces?.seq).toBeLessThan(answer?.seq ?? -1);
    }
  });

  it("answers an async handler's context.succeed or early callback, not the undefined its promise resolves to", async () => {
    const env = await start('index.asyncLegacy');
    const cases = [
      { method: 'succeed', body: { via: 'succeed' } },
      { method: 'callback', body: { via: 'callback' } },
      // A second report waits for the same flush as the first, and never overtakes it.
      { method: 'succeed-twice', body: { via: 'first succeed' } },
    ];
    for (const { method, body } of cases) {
      const result = await env.invoke({ test: { method } });
      expect(responseJson(result)).toEqual(body);
      expect(onlySpan(env, result.requestId).status.code).toBe(0);
      const invoke = env.timeline.find('invoke', -1, (e) => e.requestId === result.requestId);
      const traces = env.timeline.find('traces', invoke?.seq);
      expect(traces?.seq).toBeLessThan(env.timeline.find('response', invoke?.seq)?.seq ?? -1);
    }
  });

  it('waits for the event loop to empty with one beforeExit listener, however many invocations waited', async () => {
    const env = await start('index.listeners');
    const before = responseJson(await env.invoke({ test: { action: 'count' } })) as { beforeExit: number };
    for (let i = 0; i < 12; i++) {
      const waited = await env.invoke({});
      expect(responseJson(waited)).toBeNull();
      await env.otlp.until(() => env.otlp.spansOf(waited.requestId).length === 1);
    }
    const after = responseJson(await env.invoke({ test: { action: 'count' } })) as { beforeExit: number };
    expect(after.beforeExit).toBeLessThanOrEqual(before.beforeExit + 1);
    expect(env.logs).not.toContain('MaxListenersExceededWarning');
  });

  it('logs what async hooks reject with, and never passes it on', async () => {
    const env = await start('hooks.handler');
    for (let i = 0; i < 2; i++) {
      const result = await env.invoke({});
      expect(responseJson(result)).toEqual({ requestId: result.requestId });
      const span = onlySpan(env, result.requestId);
      expect(span.attributes).toMatchObject({ 'request.hooked': true, 'response.hooked': true });
      expect(span.status.code).toBe(0);
    }
    expect(env.logs).toContain('requestHook rejected: the request hook failed');
    expect(env.logs).toContain('responseHook rejected: the response hook failed');
  });

  it('answers the plain return value of a handler called without a callback (Node.js 24)', async () => {
    const env = await start('index.plain', { RUNTIME_CLIENT_MODE: 'nodejs24' });
    const result = await env.invoke({});
    expect(responseJson(result)).toEqual({ requestId: result.requestId, via: 'return' });
    expect(env.timeline.find('traces')?.seq).toBeLessThan(env.timeline.find('response')?.seq ?? -1);
  });

  it('keeps callback handlers refused by the Node.js 24 runtime refused (same arity)', async () => {
    const env = await start('index.callback', { RUNTIME_CLIENT_MODE: 'nodejs24' });
    const result = await env.invoke({});
    expect(result).toMatchObject({ kind: 'init-error', errorType: 'Runtime.CallbackHandlerDeprecated' });
  });

  it('takes http.response.status_code from the proxy result; 5xx is an error', async () => {
    const env = await start('index.handler');
    const created = await env.invoke({ ...apiGatewayRest, test: { action: 'status', statusCode: 404 } });
    const failed = await env.invoke({ ...apiGatewayRest, test: { action: 'status', statusCode: 503 } });
    const createdSpan = onlySpan(env, created.requestId);
    expect(createdSpan.attributes['http.response.status_code']).toBe(404n);
    expect(createdSpan.status.code).toBe(0);
    expect(createdSpan.name).toBe('GET /orders/{orderId}');
    const failedSpan = onlySpan(env, failed.requestId);
    expect(failedSpan.attributes['http.response.status_code']).toBe(503n);
    expect(failedSpan.status.code).toBe(2);
  });

  it('makes spans started in the handler children of the invocation span', async () => {
    const env = await start('index.handler');
    const result = await env.invoke({ ...sqs, test: { action: 'child-span' } });
    await env.otlp.until(() => env.otlp.spans.length >= 2);
    const invocation = env.otlp.spans.find((span) => span.kind === 5); // CONSUMER for SQS
    const child = env.otlp.spans.find((span) => span.name === 'child work');
    expect(invocation?.attributes['faas.trigger']).toBe('pubsub');
    expect(invocation?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(child?.parentSpanId).toBe(invocation?.spanId);
    expect(child?.traceId).toBe(invocation?.traceId);
    expect(responseJson(result)).toEqual({ parent: invocation?.spanId });
  });

  it('emits the invocation metrics with the spans resource, as delta sums and histograms', async () => {
    const env = await start('index.handler');
    await env.invoke(apiGatewayHttp);
    await env.invoke({ ...apiGatewayHttp, test: { action: 'throw' } });
    const names = new Set(env.otlp.points.map((p) => p.metric.name));
    expect([...names].sort()).toEqual([
      'faas.coldstarts',
      'faas.errors',
      'faas.init_duration',
      'faas.invocations',
      'faas.invoke_duration',
      'faas.mem_usage',
    ]);
    for (const point of env.otlp.points) {
      expect(point.attributes['faas.trigger']).toBe('http');
      if (point.type === 'sum' || point.type === 'histogram') expect(point.temporality).toBe(1);
    }
    const durations = env.otlp.points.filter((p) => p.metric.name === 'faas.invoke_duration');
    expect(durations).toHaveLength(2);
    const memory = env.otlp.points.find((p) => p.metric.name === 'faas.mem_usage');
    expect(memory?.type === 'histogram' && (memory.sum ?? 0) > 10 * 1024 * 1024).toBe(true);
    for (const point of env.otlp.points)
      expect(point.metric.resource.attributes).toMatchObject({
        'service.name': 'test-function',
        'cloud.account.id': '123456789012',
      });
  });
});

describe('wrap() when the invocation cannot be traced', () => {
  it('runs the handler untraced when the sampler throws, and the async flush does not wait for it', async () => {
    const env = await start('broken-sampler.handler', { FIREFLY_FLUSH_MODE: 'async' });
    const result = await env.invoke({}, { timeoutMs: 20_000 });
    expect(responseJson(result)).toEqual({ requestId: result.requestId });
    await env.runtime.whenFrozen();
    const response = env.timeline.find('response');
    const frozen = env.timeline.find('frozen', response?.seq);
    // The extension learnt at once that the invocation ended, rather than waiting for its deadline
    // (20 s away: the bound is generous, it only tells "at once" from "at the deadline").
    expect((frozen?.at ?? Number.POSITIVE_INFINITY) - (response?.at ?? 0)).toBeLessThan(3000);
    expect(env.otlp.spans).toHaveLength(0);
    expect(env.logs).toContain('invocation not traced: the sampler broke');
  });
});
