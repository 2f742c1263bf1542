import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FUNCTIONS, LambdaEnvironment, responseJson } from '../../test-support/lambda.js';
import { OtlpReceiver } from '../../test-support/otlp-receiver.js';

// Every OTEL_* variable the README lists, end to end: set on the function, seen at the endpoint.
const event = (name: string) =>
  JSON.parse(readFileSync(new URL(`../testdata/events/${name}`, import.meta.url), 'utf8'));
const apiGatewayHttp = event('apigw-http.json');
const apiGatewayRest = event('apigw-rest.json');
const sqs = event('sqs.json');

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

async function start(env: Record<string, string>, otlp?: OtlpReceiver) {
  const lambda = await LambdaEnvironment.start({
    handler: 'index.handler',
    taskRoot: `${FUNCTIONS}wrap-esm`,
    via: 'wrap',
    env,
    otlp,
  });
  cleanup.push(() => lambda.stop());
  return lambda;
}

async function receiver() {
  const otlp = await OtlpReceiver.start();
  cleanup.push(() => otlp.close());
  return otlp;
}

async function invoke(lambda: LambdaEnvironment, payload: unknown = {}) {
  const result = await lambda.invoke(payload);
  await lambda.runtime.whenFrozen();
  return result;
}

describe('OTEL_* variables', () => {
  it('OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES shape the resource of spans and metrics', async () => {
    const lambda = await start({
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes,deployment.environment.name=prod%2Ceu',
    });
    await invoke(lambda);
    const resource = lambda.otlp.spans[0]?.resource.attributes;
    expect(resource).toMatchObject({
      'service.name': 'from-attributes',
      'deployment.environment.name': 'prod,eu',
    });
    expect(lambda.otlp.points[0]?.metric.resource.attributes['service.name']).toBe('from-attributes');
    const named = await start({
      OTEL_SERVICE_NAME: 'checkout',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored',
    });
    await invoke(named);
    expect(named.otlp.spans[0]?.resource.serviceName).toBe('checkout');
  });

  it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT / _METRICS_ENDPOINT send each signal where it says', async () => {
    const traces = await receiver();
    const metrics = await receiver();
    const lambda = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9/unused',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${traces.url}/custom/traces`,
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${metrics.url}/custom/metrics`,
    });
    await invoke(lambda);
    expect(traces.requests.map((r) => r.path)).toEqual(['/custom/traces']);
    expect(metrics.requests.map((r) => r.path)).toEqual(['/custom/metrics']);
    expect(traces.spans).toHaveLength(1);
    expect(metrics.points.length).toBeGreaterThan(0);
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT with a path gets v1/traces and v1/metrics appended', async () => {
    const otlp = await receiver();
    const lambda = await start({ OTEL_EXPORTER_OTLP_ENDPOINT: `${otlp.url}/otlp/` }, otlp);
    await invoke(lambda);
    expect(otlp.requests.map((r) => r.path).sort()).toEqual(['/otlp/v1/metrics', '/otlp/v1/traces']);
  });

  it('OTEL_EXPORTER_OTLP_HEADERS and _TRACES_HEADERS / _METRICS_HEADERS are sent', async () => {
    const lambda = await start({
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20token,x-tenant=acme',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=traces-tenant',
      OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-signal=metrics',
    });
    await invoke(lambda);
    const traces = lambda.otlp.requests.find((r) => r.path === '/v1/traces');
    const metrics = lambda.otlp.requests.find((r) => r.path === '/v1/metrics');
    expect(traces?.headers).toMatchObject({ authorization: 'Bearer token', 'x-tenant': 'traces-tenant' });
    expect(traces?.headers['x-signal']).toBeUndefined();
    expect(metrics?.headers).toMatchObject({
      authorization: 'Bearer token',
      'x-tenant': 'acme',
      'x-signal': 'metrics',
    });
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/json, overridden per signal; grpc is refused with a warning', async () => {
    const lambda = await start({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
    });
    await invoke(lambda);
    expect(lambda.otlp.requests.find((r) => r.path === '/v1/traces')?.encoding).toBe('json');
    expect(lambda.otlp.requests.find((r) => r.path === '/v1/metrics')?.encoding).toBe('protobuf');
    expect(lambda.otlp.spans).toHaveLength(1);
    const grpc = await start({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' });
    await invoke(grpc);
    expect(grpc.otlp.requests.every((r) => r.encoding === 'protobuf')).toBe(true);
    expect(grpc.logs).toContain('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc is not supported');
  });

  it('OTEL_EXPORTER_OTLP_COMPRESSION=gzip, and none per signal', async () => {
    const lambda = await start({
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'none',
    });
    await invoke(lambda);
    expect(lambda.otlp.requests.find((r) => r.path === '/v1/traces')?.gzip).toBe(true);
    expect(lambda.otlp.requests.find((r) => r.path === '/v1/metrics')?.gzip).toBe(false);
    expect(lambda.otlp.spans).toHaveLength(1);
  });

  it('OTEL_EXPORTER_OTLP_PROTOCOL=http/json with gzip: bodies the OTLP decoder reads', async () => {
    const lambda = await start({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
    });
    const result = await invoke(lambda, apiGatewayHttp);
    for (const path of ['/v1/traces', '/v1/metrics'])
      expect(lambda.otlp.requests.find((r) => r.path === path)).toMatchObject({
        encoding: 'json',
        gzip: true,
      });
    expect(lambda.otlp.spansOf(result.requestId)[0]?.name).toBe('POST /orders/{orderId}');
    expect(lambda.otlp.points.map((p) => p.metric.name)).toContain('faas.invocations');
  });

  it('cloud.account.id of OTEL_RESOURCE_ATTRIBUTES wins over the account of the invoked ARN', async () => {
    const lambda = await start({ OTEL_RESOURCE_ATTRIBUTES: 'cloud.account.id=999999999999' });
    await invoke(lambda);
    expect(lambda.otlp.spans[0]?.resource.attributes['cloud.account.id']).toBe('999999999999');
    expect(lambda.otlp.points[0]?.metric.resource.attributes['cloud.account.id']).toBe('999999999999');
  });

  it('OTEL_EXPORTER_OTLP_TIMEOUT bounds an export that gets no answer', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanup.push(async () => {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as AddressInfo;
    const lambda = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '200',
    });
    const result = await lambda.invoke({});
    expect(responseJson(result)).toMatchObject({ requestId: result.requestId });
    expect(lambda.logs).toContain('within 200 ms');
  });

  it('OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG decide which invocations are traced; metrics count all', async () => {
    const off = await start({ OTEL_TRACES_SAMPLER: 'always_off' });
    await invoke(off);
    expect(off.otlp.spans).toHaveLength(0);
    expect(off.otlp.points.some((p) => p.metric.name === 'faas.invocations')).toBe(true);
    const ratio = await start({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' });
    await invoke(ratio, sqs);
    expect(ratio.otlp.spans).toHaveLength(0);
    const parentBased = await start({ OTEL_TRACES_SAMPLER: 'parentbased_always_off' });
    await invoke(parentBased, sqs); // sampled W3C parent: followed
    await invoke(parentBased, {}); // root: not sampled
    expect(parentBased.otlp.spans.map((span) => span.traceId)).toEqual(['0af7651916cd43dd8448eb211c80319c']);
  });

  it('OTEL_PROPAGATORS picks what is extracted and injected', async () => {
    const defaults = await start({});
    expect(responseJson(await invoke(defaults, { ...apiGatewayHttp, test: { action: 'baggage' } }))).toEqual({
      tenant: 'globex',
    });
    const injected = responseJson(await invoke(defaults, { ...apiGatewayHttp, test: { action: 'inject' } }));
    expect(Object.keys(injected as object).sort()).toEqual(['baggage', 'traceparent', 'tracestate']);

    const traceOnly = await start({ OTEL_PROPAGATORS: 'tracecontext' });
    expect(responseJson(await invoke(traceOnly, { ...apiGatewayHttp, test: { action: 'baggage' } }))).toEqual(
      {},
    );
    const traceOnlyInjected = responseJson(
      await invoke(traceOnly, { ...apiGatewayHttp, test: { action: 'inject' } }),
    );
    expect(Object.keys(traceOnlyInjected as object).sort()).toEqual(['traceparent', 'tracestate']);

    const none = await start({ OTEL_PROPAGATORS: 'none' });
    const root = await invoke(none, apiGatewayHttp);
    const [span] = none.otlp.spansOf(root.requestId);
    expect(span?.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.parentSpanId).toBe('');
    expect(span?.links).toEqual([]);
    expect(span?.attributes['faas.trigger']).toBe('http');
  });

  it('OTEL_PROPAGATORS with xray makes an X-Ray header the parent when there is no traceparent', async () => {
    const xrayTrace = '5e6722a7cc56a9e146db7ae02d4da47e';
    const byDefault = await start({});
    const linked = await invoke(byDefault, apiGatewayRest);
    const [linkedSpan] = byDefault.otlp.spansOf(linked.requestId);
    expect(linkedSpan?.traceId).not.toBe(xrayTrace);
    expect(linkedSpan?.links.map((link) => link.traceId)).toEqual([xrayTrace]);

    const xray = await start({ OTEL_PROPAGATORS: 'tracecontext,baggage,xray' });
    const parented = await invoke(xray, apiGatewayRest);
    const [parentedSpan] = xray.otlp.spansOf(parented.requestId);
    expect(parentedSpan?.traceId).toBe(xrayTrace);
    expect(parentedSpan?.parentSpanId).toBe('3b1ec6a5d8a1c2f0');
    // A W3C traceparent still wins.
    const w3c = await invoke(xray, apiGatewayHttp);
    expect(xray.otlp.spansOf(w3c.requestId)[0]?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it('OTEL_SDK_DISABLED=true leaves the handler alone', async () => {
    const lambda = await start({ OTEL_SDK_DISABLED: 'true' });
    const result = await invoke(lambda);
    expect(responseJson(result)).toMatchObject({ requestId: result.requestId });
    expect(lambda.otlp.requests).toHaveLength(0);
  });

  it('OTEL_TRACES_EXPORTER=none and OTEL_METRICS_EXPORTER=none turn one signal off', async () => {
    const noTraces = await start({ OTEL_TRACES_EXPORTER: 'none' });
    await invoke(noTraces);
    expect(noTraces.otlp.requests.map((r) => r.path)).toEqual(['/v1/metrics']);
    const noMetrics = await start({ OTEL_METRICS_EXPORTER: 'none' });
    await invoke(noMetrics);
    expect(noMetrics.otlp.requests.map((r) => r.path)).toEqual(['/v1/traces']);
  });

  it('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative sends running totals', async () => {
    const lambda = await start({ OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative' });
    await invoke(lambda);
    await invoke(lambda);
    const invocations = lambda.otlp.points.filter((p) => p.metric.name === 'faas.invocations');
    expect(invocations.map((p) => (p.type === 'sum' ? [p.value, p.temporality] : []))).toEqual([
      [1n, 2],
      [2n, 2],
    ]);
    expect(invocations[0]?.startTimeUnixNano).toBe(invocations[1]?.startTimeUnixNano);
  });

  it('OTEL_LOG_LEVEL=error silences warnings', async () => {
    const noisy = await start({ OTEL_TRACES_SAMPLER: 'sometimes' });
    await invoke(noisy);
    expect(noisy.logs).toContain('OTEL_TRACES_SAMPLER="sometimes"');
    const quiet = await start({ OTEL_TRACES_SAMPLER: 'sometimes', OTEL_LOG_LEVEL: 'error' });
    await invoke(quiet);
    expect(quiet.logs).not.toContain('OTEL_TRACES_SAMPLER');
  });

  it('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT and OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT apply to the invocation span', async () => {
    const lambda = await start({
      OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '4',
      OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '5',
    });
    await invoke(lambda, apiGatewayHttp);
    const [span] = lambda.otlp.spans;
    expect(Object.keys(span?.attributes ?? {})).toHaveLength(4);
    expect(span?.droppedAttributesCount).toBeGreaterThan(0);
    for (const value of Object.values(span?.attributes ?? {})) {
      if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(5);
    }
  });
});
