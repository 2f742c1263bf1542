import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractContext } from '../extract/extract-context.js';
import { type AwsEndpoint, clientConfig, startAwsEndpoint } from '../testing/aws-endpoint.js';
import { SENDER, SENDER_TRACEPARENT } from '../testing/spans.js';
import { MAX_CLIENT_CONTEXT_BYTES } from './limits.js';
import { instrumentAwsClient } from './middleware.js';

let endpoint: AwsEndpoint;
let lambda: LambdaClient;
let tracestate = 'congo=t61rcWkgMzE';
let baggageValue = 'acme';

beforeAll(async () => {
  // REST-JSON: the payload is the body, the ClientContext a header.
  endpoint = await startAwsEndpoint(({ headers }) => ({
    status: headers['x-amz-invocation-type'] === 'Event' ? 202 : 200,
    headers: { 'content-type': 'application/json' },
    body: '{"ok":true}',
  }));
  const getContext = () => {
    const span = trace.setSpanContext(ROOT_CONTEXT, { ...SENDER, traceState: new TraceState(tracestate) });
    return propagation.setBaggage(span, propagation.createBaggage({ tenant: { value: baggageValue } }));
  };
  lambda = instrumentAwsClient(new LambdaClient(clientConfig(endpoint.url)), { getContext });
});
afterAll(async () => {
  lambda.destroy();
  await endpoint.close();
});

function sentClientContext(): Record<string, unknown> | undefined {
  const header = endpoint.requests.at(-1)?.headers['x-amz-client-context'];
  return typeof header === 'string' ? JSON.parse(Buffer.from(header, 'base64').toString('utf8')) : undefined;
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

describe('Lambda Invoke (synchronous)', () => {
  it('puts the context in ClientContext.custom, which extractContext reads as the parent', async () => {
    tracestate = 'congo=t61rcWkgMzE';
    baggageValue = 'acme';
    await lambda.send(
      new InvokeCommand({ FunctionName: 'orders', Payload: new TextEncoder().encode('{"a":1}') }),
    );
    const clientContext = sentClientContext();
    expect(clientContext).toEqual({
      custom: { traceparent: SENDER_TRACEPARENT, tracestate: 'congo=t61rcWkgMzE', baggage: 'tenant=acme' },
    });
    expect(endpoint.requests.at(-1)?.body).toBe('{"a":1}');
    const extracted = extractContext(
      { a: 1 },
      { clientContext: clientContext as never },
      { xrayTraceId: '' },
    );
    expect(extracted.source).toBe('lambda-invoke');
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: SENDER.traceId,
      spanId: SENDER.spanId,
    });
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
  });

  it('merges with the caller’s ClientContext', async () => {
    const mine = { client: { app_title: 'checkout' }, env: { locale: 'en' }, custom: { feature: 'b' } };
    await lambda.send(new InvokeCommand({ FunctionName: 'orders', ClientContext: encode(mine) }));
    expect(sentClientContext()).toEqual({
      client: { app_title: 'checkout' },
      env: { locale: 'en' },
      custom: {
        feature: 'b',
        traceparent: SENDER_TRACEPARENT,
        tracestate: 'congo=t61rcWkgMzE',
        baggage: 'tenant=acme',
      },
    });
  });

  it('merges into Custom when that is how the caller spells it', async () => {
    await lambda.send(
      new InvokeCommand({ FunctionName: 'orders', ClientContext: encode({ Custom: { feature: 'b' } }) }),
    );
    expect(sentClientContext()).toEqual({
      Custom: {
        feature: 'b',
        traceparent: SENDER_TRACEPARENT,
        tracestate: 'congo=t61rcWkgMzE',
        baggage: 'tenant=acme',
      },
    });
  });

  it('drops baggage, then tracestate, to stay within 3583 bytes', async () => {
    baggageValue = 'b'.repeat(2000);
    tracestate = `congo=${'t'.repeat(200)}`;
    const padding = { custom: { note: 'n'.repeat(2000) } };
    await lambda.send(new InvokeCommand({ FunctionName: 'orders', ClientContext: encode(padding) }));
    const header = String(endpoint.requests.at(-1)?.headers['x-amz-client-context']);
    expect(header.length).toBeLessThanOrEqual(MAX_CLIENT_CONTEXT_BYTES);
    expect(sentClientContext()?.custom).toEqual({
      note: 'n'.repeat(2000),
      traceparent: SENDER_TRACEPARENT,
      tracestate: `congo=${'t'.repeat(200)}`,
    });

    const tighter = { custom: { note: 'n'.repeat(2450) } };
    await lambda.send(new InvokeCommand({ FunctionName: 'orders', ClientContext: encode(tighter) }));
    expect(sentClientContext()?.custom).toEqual({ note: 'n'.repeat(2450), traceparent: SENDER_TRACEPARENT });

    const full = { custom: { note: 'n'.repeat(2600) } };
    await lambda.send(new InvokeCommand({ FunctionName: 'orders', ClientContext: encode(full) }));
    expect(endpoint.requests.at(-1)?.headers['x-amz-client-context']).toBe(encode(full));
  });

  it('leaves a ClientContext that is not base64 JSON alone', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'orders', ClientContext: 'bm90IGpzb24=' }));
    expect(endpoint.requests.at(-1)?.headers['x-amz-client-context']).toBe('bm90IGpzb24=');
  });
});

describe('Lambda Invoke (InvocationType Event)', () => {
  it('writes _firefly into a JSON-object payload instead of the ClientContext Lambda would drop', async () => {
    tracestate = 'congo=t61rcWkgMzE';
    baggageValue = 'acme';
    await lambda.send(
      new InvokeCommand({
        FunctionName: 'orders',
        InvocationType: 'Event',
        Payload: new TextEncoder().encode('{"orderId":"1001"}'),
      }),
    );
    const request = endpoint.requests.at(-1);
    expect(request?.headers['x-amz-client-context']).toBeUndefined();
    const payload = JSON.parse(request?.body ?? '');
    expect(payload).toEqual({
      orderId: '1001',
      _firefly: { traceparent: SENDER_TRACEPARENT, tracestate: 'congo=t61rcWkgMzE', baggage: 'tenant=acme' },
    });
    const extracted = extractContext(payload, {}, { xrayTraceId: '' });
    expect(extracted.source).toBe('lambda-invoke');
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe(SENDER.spanId);
  });

  it('leaves payloads that are not JSON objects alone', async () => {
    for (const body of ['[1,2,3]', 'plain text', '']) {
      await lambda.send(
        new InvokeCommand({
          FunctionName: 'orders',
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(body),
        }),
      );
      expect(endpoint.requests.at(-1)?.body).toBe(body);
    }
  });

  it('leaves DryRun alone', async () => {
    await lambda.send(new InvokeCommand({ FunctionName: 'orders', InvocationType: 'DryRun' }));
    expect(endpoint.requests.at(-1)?.headers['x-amz-client-context']).toBeUndefined();
  });
});
