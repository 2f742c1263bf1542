import { propagation, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import restApi from '../testdata/apigw-rest.json' with { type: 'json' };
import asyncPayload from '../testdata/lambda-invoke-async.json' with { type: 'json' };
import { extractContext } from './extract-context.js';

const NO_ENV = { xrayTraceId: '' };
const invoker = {
  awsRequestId: 'f9a6c1b2-0000-4000-8000-000000000000',
  clientContext: {
    client: {},
    env: {},
    custom: {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      baggage: 'tenant=globex',
      app: 'checkout',
    },
  },
};

describe('Lambda invoke', () => {
  it("continues a synchronous invoker's context from the ClientContext", () => {
    const extracted = extractContext({ orderId: '1001' }, invoker, NO_ENV);
    expect(extracted.source).toBe('lambda-invoke');
    expect(extracted.trigger).toBe('other');
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('globex');
  });

  it('also reads the Custom spelling of @types/aws-lambda', () => {
    const extracted = extractContext(
      {},
      { clientContext: { Custom: invoker.clientContext.custom } } as never,
      NO_ENV,
    );
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('00f067aa0ba902b7');
  });

  it('continues an async invoker’s context from the _firefly payload field', () => {
    const extracted = extractContext(asyncPayload, {}, NO_ENV);
    expect(extracted.source).toBe('lambda-invoke');
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('b7ad6b7169203331');
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
  });

  it('lets the event’s own context win over a ClientContext, and uses the ClientContext when the event has none', () => {
    expect(trace.getSpanContext(extractContext(restApi, invoker, NO_ENV).parent)?.spanId).toBe(
      'b7ad6b7169203331',
    );
    const { headers: _h, multiValueHeaders: _m, ...noHeaders } = restApi;
    const extracted = extractContext(noHeaders, invoker, NO_ENV);
    expect(extracted.source).toBe('api-gateway-rest');
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('00f067aa0ba902b7');
  });

  it('is unknown with a new root for a payload without context', () => {
    const extracted = extractContext(
      { orderId: '1001' },
      { clientContext: { custom: { app: 'x' } } },
      NO_ENV,
    );
    expect(extracted.source).toBe('unknown');
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
  });
});
