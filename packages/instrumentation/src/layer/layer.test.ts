import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment, responseJson } from '../../test-support/lambda.js';

let lambda: LambdaEnvironment | undefined;
afterEach(async () => {
  await lambda?.stop();
  lambda = undefined;
});

async function start(handler: string, folder = 'layer-cjs', env: Record<string, string> = {}) {
  lambda = await LambdaEnvironment.start({ handler, taskRoot: `${FUNCTIONS}${folder}`, via: 'preload', env });
  return lambda;
}

async function invokeOnce(env: LambdaEnvironment, event: unknown = {}) {
  const result = await env.invoke(event);
  await env.runtime.whenFrozen();
  return result;
}

describe('the layer (NODE_OPTIONS=--import loader) wraps the configured handler', () => {
  const cases = [
    { handler: 'index.handler', folder: 'layer-cjs', expected: { module: 'cjs' } },
    { handler: 'src/app.handlers.main', folder: 'layer-cjs', expected: { file: 'src/app.js' } },
    { handler: 'legacy.handler', folder: 'layer-cjs', expected: { file: 'legacy.cjs' } },
    { handler: 'esm-file.handler', folder: 'layer-cjs', expected: { file: 'esm-file.mjs' } },
    { handler: 'index.handler', folder: 'layer-esm', expected: { module: 'esm' } },
    { handler: 'index.nested.handler', folder: 'layer-esm', expected: { via: 'default export' } },
  ];
  for (const { handler, folder, expected } of cases) {
    it(`${folder} ${handler}`, async () => {
      const env = await start(handler, folder);
      const result = await invokeOnce(env);
      expect(responseJson(result)).toMatchObject({ requestId: result.requestId, ...expected });
      const [span] = env.otlp.spansOf(result.requestId);
      expect(span?.attributes['faas.coldstart']).toBe(true);
      expect(env.timeline.find('traces')?.seq).toBeLessThan(env.timeline.find('response')?.seq ?? -1);
    });
  }

  it('wraps CommonJS callback handlers', async () => {
    const env = await start('index.callback');
    const result = await invokeOnce(env);
    expect(responseJson(result)).toEqual({ requestId: result.requestId, via: 'callback' });
    expect(env.otlp.spansOf(result.requestId)).toHaveLength(1);
  });

  it('wraps streaming handlers and keeps them streaming', async () => {
    const env = await start('stream.handler');
    const result = await invokeOnce(env);
    expect(result).toMatchObject({ kind: 'response', streamed: true });
    const [span] = env.otlp.spansOf(result.requestId);
    // The prelude's 201 is not an HTTP status here: the event did not come over HTTP.
    expect(span?.attributes['http.response.status_code']).toBeUndefined();
    expect(result.kind === 'response' && result.body.toString()).toContain('streamed by a CommonJS function');
  });

  it("sets the tracer provider up before the function's code runs, for its own spans", async () => {
    const env = await start('index.handler');
    const result = await invokeOnce(env, { test: { action: 'child-span' } });
    const invocation = env.otlp.spansOf(result.requestId)[0];
    const child = env.otlp.spans.find((span) => span.name === 'child work');
    expect(child?.parentSpanId).toBe(invocation?.spanId);
  });

  it('leaves a handler the function wraps itself to the layer: one span per invocation', async () => {
    const env = await start('self-wrapped.handler', 'layer-esm');
    const result = await invokeOnce(env);
    expect(responseJson(result)).toEqual({ requestId: result.requestId, selfWrapped: false });
    expect(env.otlp.spans).toHaveLength(1);
  });

  it("warns that the options of the function's own wrap() are ignored, naming them", async () => {
    const env = await start('self-wrapped-options.handler', 'layer-esm');
    const result = await invokeOnce(env);
    expect(responseJson(result)).toEqual({ requestId: result.requestId });
    expect(env.logs).toContain(
      'the Firefly layer instruments this function, so these options of wrap() are ignored: serviceName, flushMode (set',
    );
    // Ignored indeed: the layer's configuration (sync, the function name) applies.
    const [span] = env.otlp.spansOf(result.requestId);
    expect(span?.resource.serviceName).toBe('test-function');
    expect(env.timeline.find('traces')?.seq).toBeLessThan(env.timeline.find('response')?.seq ?? -1);
  });

  it('loads through --import @firefly/instrumentation/loader from a function that ships node_modules', async () => {
    const taskRoot = mkdtempSync(path.join(tmpdir(), 'firefly-task-'));
    try {
      cpSync(`${FUNCTIONS}layer-cjs/legacy.cjs`, path.join(taskRoot, 'index.cjs'));
      mkdirSync(path.join(taskRoot, 'node_modules/@firefly'), { recursive: true });
      const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
      symlinkSync(packageRoot, path.join(taskRoot, 'node_modules/@firefly/instrumentation'));
      lambda = await LambdaEnvironment.start({
        handler: 'index.handler',
        taskRoot,
        via: 'wrap',
        env: { NODE_OPTIONS: '--import @firefly/instrumentation/loader' },
      });
      const result = await invokeOnce(lambda);
      expect(responseJson(result)).toMatchObject({ file: 'legacy.cjs' });
      expect(lambda.otlp.spansOf(result.requestId)).toHaveLength(1);
    } finally {
      await lambda?.stop();
      lambda = undefined;
      rmSync(taskRoot, { recursive: true, force: true });
    }
  });

  it('does nothing with OTEL_SDK_DISABLED=true', async () => {
    const env = await start('index.handler', 'layer-cjs', { OTEL_SDK_DISABLED: 'true' });
    const result = await invokeOnce(env);
    expect(responseJson(result)).toMatchObject({ module: 'cjs' });
    expect(env.otlp.requests).toHaveLength(0);
  });

  const failures = [
    {
      handler: 'missing.handler',
      errorType: 'Runtime.ImportModuleError',
      message: "Cannot find module 'missing'",
    },
    {
      handler: 'index.nothing',
      errorType: 'Runtime.HandlerNotFound',
      message: 'index.nothing is undefined or not exported',
    },
    { handler: 'broken.handler', errorType: 'Runtime.UserCodeSyntaxError', message: 'SyntaxError' },
    { handler: 'index', errorType: 'Runtime.MalformedHandlerName', message: 'Bad handler' },
    {
      handler: '../outside.handler',
      errorType: 'Runtime.MalformedHandlerName',
      message: 'not a valid handler name',
    },
  ];
  for (const { handler, errorType, message } of failures) {
    it(`fails init as the runtime would for ${handler} (${errorType})`, async () => {
      const env = await start(handler);
      const result = await env.invoke({});
      expect(result).toMatchObject({ kind: 'init-error', errorType });
      expect(JSON.stringify(result.kind === 'init-error' && result.error)).toContain(message);
    });
  }
});
