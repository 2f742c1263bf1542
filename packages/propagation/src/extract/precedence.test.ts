import { defaultTextMapGetter, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { AWSXRayPropagator } from '@opentelemetry/propagator-aws-xray';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { forgetEnvironment } from '../env.js';
import httpApi from '../testdata/apigw-http.json' with { type: 'json' };
import sqsBatch from '../testdata/sqs-batch.json' with { type: 'json' };
import sqsSingle from '../testdata/sqs-single.json' with { type: 'json' };
import { extractContext } from './extract-context.js';

const W3C = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const XRAY_HEADER = 'Root=1-5e6722a7-cc56a9e146db7ae02d4da47e;Parent=3b1ec6a5d8a1c2f0;Sampled=1';
const XRAY = { traceId: '5e6722a7cc56a9e146db7ae02d4da47e', spanId: '3b1ec6a5d8a1c2f0' };
const LAMBDA_SEGMENT = 'Root=1-5e6722a7-cc56a9e146db7ae02d4da47e;Parent=9a8b7c6d5e4f3a2b;Sampled=1';
const OTHER_TRACE = 'Root=1-6a000000-000000000000000000000001;Parent=1111111111111111;Sampled=0';
const OTHER_TRACE_SAMPLED = OTHER_TRACE.replace('Sampled=0', 'Sampled=1');

afterEach(() => {
  vi.unstubAllEnvs();
  forgetEnvironment();
});

/** The mode variable is read once per process: tests that change it start afresh. */
function stubXrayMode(value: string) {
  vi.stubEnv('FIREFLY_PROPAGATION_XRAY', value);
  forgetEnvironment();
}

describe('the bug this package exists to avoid', () => {
  it("OpenTelemetry's CompositePropagator [W3C, X-Ray] lets X-Ray replace the W3C parent; extractContext does not", () => {
    const headers = { traceparent: httpApi.headers.traceparent, 'x-amzn-trace-id': XRAY_HEADER };
    const composite = new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new AWSXRayPropagator()],
    });
    const lastValidWins = trace.getSpanContext(
      composite.extract(ROOT_CONTEXT, headers, defaultTextMapGetter),
    );
    expect(lastValidWins).toMatchObject(XRAY);

    const ours = extractContext({ ...httpApi, headers: { ...httpApi.headers, ...headers } }, undefined, {
      xrayTraceId: '',
    });
    expect(trace.getSpanContext(ours.parent)).toMatchObject(W3C);
    expect(ours.links.map((link) => link.context)).toEqual([expect.objectContaining(XRAY)]);
  });
});

describe('precedence of W3C and X-Ray', () => {
  it('keeps the W3C parent even with xray: parent', () => {
    const extracted = extractContext(httpApi, undefined, { xray: 'parent', xrayTraceId: LAMBDA_SEGMENT });
    expect(trace.getSpanContext(extracted.parent)).toMatchObject(W3C);
  });

  it('links _X_AMZN_TRACE_ID from the environment, one link per X-Ray trace, the invocation’s own first', () => {
    vi.stubEnv('_X_AMZN_TRACE_ID', LAMBDA_SEGMENT);
    const extracted = extractContext(httpApi);
    // The event's header is in the same X-Ray trace as the invocation's segment: one link, to the segment.
    expect(extracted.links.map((link) => link.context.spanId)).toEqual(['9a8b7c6d5e4f3a2b']);
    expect(trace.getSpanContext(extracted.parent)).toMatchObject(W3C);
  });

  it('prefers the xrayTraceId option to the environment', () => {
    vi.stubEnv('_X_AMZN_TRACE_ID', LAMBDA_SEGMENT);
    const extracted = extractContext(sqsSingle, undefined, { xrayTraceId: OTHER_TRACE });
    expect(extracted.links.map((link) => link.context.traceId)).toEqual([
      '6a000000000000000000000000000001',
      '5759e988bd862e3fe1be46a994272793',
    ]);
  });

  it("with xray: 'parent' and no W3C context, the invocation's sampled X-Ray segment is the parent", () => {
    const { traceparent: _t, tracestate: _s, baggage: _b, ...headers } = httpApi.headers;
    const event = { ...httpApi, headers };
    const extracted = extractContext(event, undefined, { xray: 'parent', xrayTraceId: OTHER_TRACE_SAMPLED });
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: '6a000000000000000000000000000001',
      spanId: '1111111111111111',
      traceFlags: 1,
      isRemote: true,
    });
    expect(extracted.links.map((link) => link.context)).toEqual([expect.objectContaining(XRAY)]);
  });

  it("with xray: 'parent', an unsampled X-Ray header (Lambda's without active tracing) is never the parent, only a link", () => {
    const {
      traceparent: _t,
      tracestate: _s,
      baggage: _b,
      'x-amzn-trace-id': _x,
      ...headers
    } = httpApi.headers;
    const unsampledOnly = extractContext({ ...httpApi, headers }, undefined, {
      xray: 'parent',
      xrayTraceId: OTHER_TRACE,
    });
    // A parent-based sampler would drop the invocation under a Sampled=0 parent: a new root instead.
    expect(trace.getSpanContext(unsampledOnly.parent)).toBeUndefined();
    expect(unsampledOnly.links.map((link) => [link.context.traceId, link.context.traceFlags])).toEqual([
      ['6a000000000000000000000000000001', 0],
    ]);
    // A sampled header of the event is the parent then; the unsampled one stays a link.
    const withEventHeader = extractContext(
      { ...httpApi, headers: { ...headers, 'x-amzn-trace-id': XRAY_HEADER } },
      undefined,
      { xray: 'parent', xrayTraceId: OTHER_TRACE },
    );
    expect(trace.getSpanContext(withEventHeader.parent)).toMatchObject({ ...XRAY, traceFlags: 1 });
    expect(withEventHeader.links.map((link) => link.context.traceId)).toEqual([
      '6a000000000000000000000000000001',
    ]);
  });

  it("with xray: 'parent', a batch has no parent: a record's sampled X-Ray header stays a link", () => {
    const [traced, untraced] = sqsBatch.Records;
    const { AWSTraceHeader: _h, ...withoutHeader } = untraced?.attributes ?? {};
    const batch = { Records: [traced, { ...untraced, attributes: withoutHeader }] };
    // Active tracing off: the invocation's own header is unsampled.
    const extracted = extractContext(batch, undefined, { xray: 'parent', xrayTraceId: OTHER_TRACE });
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(
      extracted.links.map((link) => [link.attributes?.['firefly.link.origin'], link.context.traceId]),
    ).toEqual([
      ['record', '11111111111111111111111111111111'],
      ['record', '22222222222222222222222222222222'],
      ['xray', '6a000000000000000000000000000001'],
      ['xray', '5759e988bd862e3fe1be46a994272793'],
    ]);
    expect(extracted.links[3]?.context.traceFlags).toBe(1);
  });

  it("with xray: 'ignore' there are no X-Ray links", () => {
    const extracted = extractContext(httpApi, undefined, { xray: 'ignore', xrayTraceId: LAMBDA_SEGMENT });
    expect(extracted.links).toEqual([]);
    expect(trace.getSpanContext(extracted.parent)).toMatchObject(W3C);
  });

  it('reads the mode from FIREFLY_PROPAGATION_XRAY when the option is unset, and falls back to link on nonsense', () => {
    const { traceparent: _t, ...headers } = httpApi.headers;
    const event = { ...httpApi, headers };
    stubXrayMode('parent');
    expect(trace.getSpanContext(extractContext(event, undefined, { xrayTraceId: '' }).parent)).toMatchObject(
      XRAY,
    );
    expect(
      trace.getSpanContext(extractContext(event, undefined, { xrayTraceId: '', xray: 'link' }).parent),
    ).toBe(undefined);
    stubXrayMode('sometimes');
    const fallback = extractContext(event, undefined, { xrayTraceId: '' });
    expect(trace.getSpanContext(fallback.parent)).toBeUndefined();
    expect(fallback.links).toHaveLength(1);
  });

  it('reads FIREFLY_PROPAGATION_XRAY once per process, not at every extraction', () => {
    const { traceparent: _t, ...headers } = httpApi.headers;
    const event = { ...httpApi, headers };
    stubXrayMode('parent');
    expect(trace.getSpanContext(extractContext(event, undefined, { xrayTraceId: '' }).parent)).toMatchObject(
      XRAY,
    );
    // Configuration does not change under a running function; a changed variable is not read again.
    vi.stubEnv('FIREFLY_PROPAGATION_XRAY', 'ignore');
    expect(trace.getSpanContext(extractContext(event, undefined, { xrayTraceId: '' }).parent)).toMatchObject(
      XRAY,
    );
  });

  it('ignores an invalid traceparent and falls back to the next rule', () => {
    const headers = {
      ...httpApi.headers,
      traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    };
    const extracted = extractContext({ ...httpApi, headers }, undefined, { xray: 'parent', xrayTraceId: '' });
    expect(trace.getSpanContext(extracted.parent)).toMatchObject(XRAY);
  });
});
