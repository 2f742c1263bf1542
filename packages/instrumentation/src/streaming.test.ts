import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment } from '../test-support/lambda.js';

const functionUrl = JSON.parse(
  readFileSync(new URL('./testdata/events/function-url.json', import.meta.url), 'utf8'),
);

let lambda: LambdaEnvironment | undefined;
afterEach(async () => {
  await lambda?.stop();
  lambda = undefined;
});

async function start(env: Record<string, string> = {}) {
  lambda = await LambdaEnvironment.start({
    handler: 'index.streaming',
    taskRoot: `${FUNCTIONS}wrap-esm`,
    via: 'wrap',
    env,
  });
  return lambda;
}

describe('response-streaming handlers', () => {
  it('keep the streaming marker, stream to the caller, and export before the runtime polls again', async () => {
    const env = await start();
    const result = await env.invoke(functionUrl);
    expect(result).toMatchObject({ kind: 'response', streamed: true });
    expect(result.kind === 'response' && result.body.toString()).toBe('first chunk;second chunk');
    await env.runtime.whenFrozen();
    const invoke = env.timeline.find('invoke');
    const firstByte = env.timeline.find('response-first-byte', invoke?.seq);
    const traces = env.timeline.find('traces', invoke?.seq);
    const next = env.timeline.find('runtime-next', invoke?.seq);
    expect(firstByte?.seq).toBeLessThan(traces?.seq ?? -1);
    expect(traces?.seq).toBeLessThan(next?.seq ?? -1);
    const [span] = env.otlp.spansOf(result.requestId);
    expect(span?.attributes).toMatchObject({ 'faas.trigger': 'http', 'http.response.status_code': 200n });
    expect(span?.name).toBe('test-function');
  });

  it('read the status of awslambda.HttpResponseStream.from', async () => {
    const env = await start();
    const result = await env.invoke({ ...functionUrl, test: { statusCode: 418 } });
    if (result.kind !== 'response') throw new Error(`unexpected ${result.kind}`);
    expect(result.contentType).toBe('application/vnd.awslambda.http-integration-response');
    const body = result.body.toString();
    expect(body.startsWith('{"statusCode":418,"headers":{"x-test":"1"}}\0\0\0\0\0\0\0\0first chunk;')).toBe(
      true,
    );
    await env.runtime.whenFrozen();
    const [span] = env.otlp.spansOf(result.requestId);
    expect(span?.attributes['http.response.status_code']).toBe(418n);
  });

  it('record a failure in the middle of the stream', async () => {
    const env = await start({ FIREFLY_FLUSH_MODE: 'async' });
    const result = await env.invoke({ ...functionUrl, test: { action: 'throw' } });
    if (result.kind !== 'response') throw new Error(`unexpected ${result.kind}`);
    expect(result.trailers.errorType).toBe('Error');
    await env.otlp.until(() => env.otlp.spansOf(result.requestId).length === 1);
    const [span] = env.otlp.spansOf(result.requestId);
    expect(span?.status).toEqual({ code: 2, message: 'stream broke' });
  });
});
