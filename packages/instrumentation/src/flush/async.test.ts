import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment, responseJson } from '../../test-support/lambda.js';
import type { Timeline } from '../../test-support/timeline.js';

let lambda: LambdaEnvironment | undefined;
afterEach(async () => {
  await lambda?.stop();
  lambda = undefined;
});

async function start(
  handler: string,
  options: { via?: 'wrap' | 'preload'; registrationDelayMs?: number } = {},
) {
  const taskRoot = options.via === 'preload' ? `${FUNCTIONS}layer-cjs` : `${FUNCTIONS}wrap-esm`;
  lambda = await LambdaEnvironment.start({
    handler,
    taskRoot,
    via: options.via ?? 'wrap',
    env: { FIREFLY_FLUSH_MODE: 'async' },
    registrationDelayMs: options.registrationDelayMs,
  });
  return lambda;
}

/** The sequence numbers of what happened for one invocation, in the stand-in's order. */
function phases(timeline: Timeline, requestId: string) {
  const invoke = timeline.find('invoke', -1, (e) => e.requestId === requestId);
  const after = invoke?.seq ?? Number.POSITIVE_INFINITY;
  const answer = timeline.find('response', after) ?? timeline.find('error', after);
  return {
    answer: answer?.seq,
    traces: timeline.find('traces', after)?.seq,
    metrics: timeline.find('metrics', after)?.seq,
    extensionNext: timeline.find('extension-next', answer?.seq)?.seq,
    frozen: timeline.find('frozen', after)?.seq,
  };
}

describe('async flush mode (internal extension)', () => {
  it('answers the caller first, then exports, then lets the environment freeze', async () => {
    const env = await start('ready.handler');
    for (let i = 0; i < 5; i++) {
      const result = await env.invoke({});
      expect(responseJson(result)).toMatchObject({ requestId: result.requestId });
      await env.runtime.whenFrozen();
      const at = phases(env.timeline, result.requestId);
      expect(at.answer).toBeLessThan(at.traces as number);
      expect(at.answer).toBeLessThan(at.metrics as number);
      expect(at.traces).toBeLessThan(at.extensionNext as number);
      expect(at.metrics).toBeLessThan(at.extensionNext as number);
      expect(at.extensionNext).toBeLessThan(at.frozen as number);
      expect(env.otlp.spansOf(result.requestId)).toHaveLength(1);
    }
    expect(env.runtime.registeredExtensions).toEqual(['firefly-instrumentation']);
    expect(env.runtime.registrations).toEqual([
      { name: 'firefly-instrumentation', events: ['INVOKE'], status: 200 },
    ]);
  });

  it('exports errors after the error response', async () => {
    const env = await start('ready.handler');
    const result = await env.invoke({ test: { action: 'throw' } });
    expect(result.kind).toBe('error');
    await env.runtime.whenFrozen();
    const at = phases(env.timeline, result.requestId);
    expect(at.answer).toBeLessThan(at.traces as number);
    expect(at.traces).toBeLessThan(at.extensionNext as number);
    expect(env.otlp.spansOf(result.requestId)[0]?.status.code).toBe(2);
  });

  it('does not hold the event loop: callback handlers still answer when it empties', async () => {
    const env = await start('ready.callback');
    const results = [await env.invoke({}), await env.invoke({})];
    for (const result of results) expect(responseJson(result)).toMatchObject({ via: 'callback' });
    await env.runtime.whenFrozen();
    for (const result of results) expect(env.otlp.spansOf(result.requestId)).toHaveLength(1);
  });

  it('falls back to sync flushing when Lambda refuses a late registration', async () => {
    const env = await start('index.handler', { registrationDelayMs: 300 });
    const result = await env.invoke({});
    expect(responseJson(result)).toMatchObject({ requestId: result.requestId });
    const at = phases(env.timeline, result.requestId);
    expect(at.traces).toBeLessThan(at.answer as number);
    // The refusal reaches the process once it is thawed for a later invocation.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await env.invoke({});
    const next = phases(env.timeline, second.requestId);
    expect(next.traces).toBeLessThan(next.answer as number);
    await env.otlp.until(() => env.logs.includes('refused to register firefly-instrumentation'), 5000);
    expect(env.runtime.registrations).toMatchObject([{ status: 403 }]);
  });

  it('shares the Invoke phase with other extensions: frozen once all of them asked; SHUTDOWN is theirs', async () => {
    const received: string[] = [];
    let external: Promise<void> = Promise.resolve();
    lambda = await LambdaEnvironment.start({
      handler: 'ready.handler',
      taskRoot: `${FUNCTIONS}wrap-esm`,
      via: 'wrap',
      env: { FIREFLY_FLUSH_MODE: 'async' },
      externalExtensions: ['slow-external'],
      // An external extension that takes 150 ms after each invocation.
      beforeRuntime: async (address) => {
        const registered = await fetch(`http://${address}/2020-01-01/extension/register`, {
          method: 'POST',
          headers: { 'Lambda-Extension-Name': 'slow-external' },
          body: JSON.stringify({ events: ['INVOKE', 'SHUTDOWN'] }),
        });
        const id = registered.headers.get('lambda-extension-identifier') ?? '';
        external = (async () => {
          for (;;) {
            const next = await fetch(`http://${address}/2020-01-01/extension/event/next`, {
              headers: { 'Lambda-Extension-Identifier': id },
            });
            const event = (await next.json()) as { eventType: string };
            received.push(event.eventType);
            if (event.eventType === 'SHUTDOWN') return;
            await new Promise((resolve) => setTimeout(resolve, 150));
          }
        })();
      },
    });
    const env = lambda;
    const result = await env.invoke({});
    await env.runtime.whenFrozen();
    const at = phases(env.timeline, result.requestId);
    const answer = at.answer as number;
    const nextOf = (name: string) =>
      env.timeline.find('extension-next', answer, (e) => (e.detail as { name: string }).name === name)
        ?.seq as number;
    expect(at.traces).toBeLessThan(nextOf('firefly-instrumentation'));
    expect(nextOf('firefly-instrumentation')).toBeLessThan(nextOf('slow-external'));
    expect(nextOf('slow-external')).toBeLessThan(at.frozen as number);
    expect(env.runtime.registrations.map((r) => [r.name, r.status])).toEqual([
      ['slow-external', 200],
      ['firefly-instrumentation', 200],
    ]);
    env.runtime.shutdown();
    await external;
    expect(received).toEqual(['INVOKE', 'SHUTDOWN']);
    await env.exitCode();
    expect(env.process.signalCode).toBe('SIGTERM');
  });

  it('registers before the first invocation through the layer, however slow the registration', async () => {
    const env = await start('index.handler', { via: 'preload', registrationDelayMs: 300 });
    const result = await env.invoke({});
    expect(env.runtime.registrations).toMatchObject([{ status: 200 }]);
    await env.runtime.whenFrozen();
    const at = phases(env.timeline, result.requestId);
    expect(at.answer).toBeLessThan(at.traces as number);
    expect(at.traces).toBeLessThan(at.extensionNext as number);
  });
});
