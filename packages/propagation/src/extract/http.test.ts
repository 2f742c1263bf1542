import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import albHeaders from '../testdata/alb-headers.json' with { type: 'json' };
import albMultiValue from '../testdata/alb-multivalue.json' with { type: 'json' };
import httpApi from '../testdata/apigw-http.json' with { type: 'json' };
import restApi from '../testdata/apigw-rest.json' with { type: 'json' };
import functionUrl from '../testdata/function-url.json' with { type: 'json' };
import { extractContext } from './extract-context.js';

const NO_ENV = { xrayTraceId: '' };

describe('API Gateway REST (v1)', () => {
  it('takes the W3C parent from mixed-case headers and the X-Ray header as a link', () => {
    const extracted = extractContext(restApi, undefined, NO_ENV);
    expect(extracted.source).toBe('api-gateway-rest');
    expect(extracted.trigger).toBe('http');
    expect(extracted.spanKind).toBe(SpanKind.SERVER);
    const parent = trace.getSpanContext(extracted.parent);
    expect(parent).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      isRemote: true,
    });
    expect(parent?.traceState?.get('congo')).toBe('t61rcWkgMzE');
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
    expect(extracted.links).toEqual([
      {
        context: expect.objectContaining({
          traceId: '5759e988bd862e3fe1be46a994272793',
          spanId: '53995c3f42cd8ad8',
        }),
        attributes: { 'firefly.link.origin': 'xray' },
      },
    ]);
    expect(extracted.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/items/42',
      'url.scheme': 'https',
      'http.route': '/items/{id}',
      'user_agent.original': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)',
      'client.address': '203.0.113.10',
      'server.address': '1234567890.execute-api.us-east-1.amazonaws.com',
    });
  });

  it('reads headers present only in multiValueHeaders', () => {
    const { headers: _dropped, ...event } = restApi;
    const extracted = extractContext(event, undefined, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});

describe('HTTP API (v2)', () => {
  it('takes the parent from lower-case headers and the route from the route key', () => {
    const extracted = extractContext(httpApi, undefined, NO_ENV);
    expect(extracted.source).toBe('api-gateway-http');
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
    });
    const baggage = propagation.getBaggage(extracted.parent);
    expect(baggage?.getEntry('plan')?.value).toBe('gold');
    expect(extracted.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/orders/1001',
      'http.route': '/orders/{orderId}',
      'user_agent.original': 'curl/8.4.0',
      'client.address': '205.255.255.176',
      'server.address': 'r3pmxmplak.execute-api.us-east-2.amazonaws.com',
    });
    expect(extracted.links.map((link) => link.context.spanId)).toEqual(['3b1ec6a5d8a1c2f0']);
  });
});

describe('Function URL', () => {
  it('is told from an HTTP API by its lambda-url domain and has no route', () => {
    const extracted = extractContext(functionUrl, undefined, NO_ENV);
    expect(extracted.source).toBe('function-url');
    expect(extracted.trigger).toBe('http');
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('00f067aa0ba902b7');
    expect(extracted.attributes['http.route']).toBeUndefined();
    expect(extracted.attributes['server.address']).toBe(
      'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-west-2.on.aws',
    );
  });
});

describe('ALB', () => {
  it('reads multi-value headers, joins repeated baggage and takes the client from X-Forwarded-For', () => {
    const extracted = extractContext(albMultiValue, undefined, NO_ENV);
    expect(extracted.source).toBe('alb');
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('b9c7c989f97918e1');
    const baggage = propagation.getBaggage(extracted.parent);
    expect(baggage?.getEntry('tenant')?.value).toBe('initech');
    expect(baggage?.getEntry('region')?.value).toBe('eu');
    expect(extracted.attributes).toMatchObject({
      'http.request.method': 'GET',
      'url.path': '/lambda',
      'url.scheme': 'http',
      'client.address': '72.12.164.125',
      'server.address': 'lambda-alb-123578498.us-east-1.elb.amazonaws.com',
    });
    // ALB's own header has a Root but no Parent: no span to link to.
    expect(extracted.links).toEqual([]);
  });

  it('without W3C context starts a new root linked to the X-Ray header', () => {
    const extracted = extractContext(albHeaders, undefined, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(extracted.links.map((link) => link.context.traceId)).toEqual(['5c5363483d683b8b04734faae651f476']);
    expect(extracted.attributes['url.scheme']).toBe('https');
  });

  it("makes the X-Ray header the parent with xray: 'parent' when there is no W3C parent", () => {
    const extracted = extractContext(albHeaders, undefined, { ...NO_ENV, xray: 'parent' });
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: '5c5363483d683b8b04734faae651f476',
      spanId: '70ee47bb0a4d0f3f',
      isRemote: true,
    });
    expect(extracted.links).toEqual([]);
  });
});
