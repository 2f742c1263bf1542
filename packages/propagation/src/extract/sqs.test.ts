import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import batch from '../testdata/sqs-batch.json' with { type: 'json' };
import single from '../testdata/sqs-single.json' with { type: 'json' };
import snsEnvelope from '../testdata/sqs-sns-envelope.json' with { type: 'json' };
import snsRaw from '../testdata/sqs-sns-raw.json' with { type: 'json' };
import { extractContext } from './extract-context.js';

const NO_ENV = { xrayTraceId: '' };

describe('SQS', () => {
  it('makes the single record of an invocation its parent and AWSTraceHeader a link', () => {
    const extracted = extractContext(single, undefined, NO_ENV);
    expect(extracted.source).toBe('sqs');
    expect(extracted.trigger).toBe('pubsub');
    expect(extracted.spanKind).toBe(SpanKind.CONSUMER);
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
    expect(trace.getSpanContext(extracted.parent)?.traceState?.serialize()).toBe('congo=t61rcWkgMzE');
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
    expect(extracted.links).toEqual([
      {
        context: expect.objectContaining({ traceId: '5759e988bd862e3fe1be46a994272793' }),
        attributes: { 'firefly.link.origin': 'xray' },
      },
    ]);
    expect(extracted.attributes).toEqual({
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'my-queue',
      'messaging.message.id': '059f36b4-87a3-44ab-83d2-661975830a7d',
    });
  });

  it('gives a batch no parent and one link per record with context', () => {
    const extracted = extractContext(batch, undefined, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    const records = extracted.links.filter((link) => link.attributes?.['firefly.link.origin'] === 'record');
    expect(records.map((link) => [link.context.traceId, link.attributes?.['messaging.message.id']])).toEqual([
      ['11111111111111111111111111111111', '059f36b4-87a3-44ab-83d2-661975830a7d'],
      ['22222222222222222222222222222222', '2e1424d4-f796-459a-8184-9c92662be6da'],
    ]);
    const xray = extracted.links.filter((link) => link.attributes?.['firefly.link.origin'] === 'xray');
    expect(xray.map((link) => link.context.traceId)).toEqual([
      '5759e988bd862e3fe1be46a994272793',
      '6759e988bd862e3fe1be46a994272794',
    ]);
    expect(extracted.attributes['messaging.batch.message_count']).toBe(3);
    expect(extracted.attributes['messaging.message.id']).toBeUndefined();
  });

  it('reads the SNS envelope of a subscription without raw message delivery', () => {
    const extracted = extractContext(snsEnvelope, undefined, NO_ENV);
    expect(extracted.source).toBe('sqs');
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
    expect(trace.getSpanContext(extracted.parent)?.traceState?.get('congo')).toBe('t61rcWkgMzE');
  });

  it('reads the message attributes of raw message delivery', () => {
    const extracted = extractContext(snsRaw, undefined, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('b7ad6b7169203331');
  });

  it('ignores a body that only looks like an SNS envelope', () => {
    const record = {
      ...single.Records[0],
      messageAttributes: {},
      body: '{"MessageAttributes": {"traceparent"',
    };
    const extracted = extractContext({ Records: [record] }, undefined, NO_ENV);
    expect(extracted.source).toBe('sqs');
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
  });
});

describe('SQS batches of many records', () => {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  /** `count` records, each from its own producer trace (W3C and/or X-Ray). */
  function records(count: number, { w3c = true, xray = true } = {}) {
    return Array.from({ length: count }, (_, i) => ({
      ...batch.Records[0],
      messageId: `m-${i}`,
      attributes: xray
        ? { AWSTraceHeader: `Root=1-${hex(i + 1, 8)}-${hex(i + 1, 24)};Parent=${hex(i + 1, 16)};Sampled=1` }
        : {},
      messageAttributes: w3c
        ? { traceparent: { stringValue: `00-${hex(i + 1, 32)}-${hex(i + 1, 16)}-01`, dataType: 'String' } }
        : {},
    }));
  }

  it('links at most 128 contexts (what the SDK keeps): the records first, in order', () => {
    const extracted = extractContext({ Records: records(300) }, undefined, NO_ENV);
    expect(extracted.links).toHaveLength(128);
    expect(extracted.links.map((link) => link.attributes?.['messaging.message.id'])).toEqual(
      Array.from({ length: 128 }, (_, i) => `m-${i}`),
    );
    expect(extracted.attributes['messaging.batch.message_count']).toBe(300);
  });

  it('fills what the records leave with X-Ray links, the invocation’s own first, up to 128 in all', () => {
    const own = 'Root=1-6a000000-000000000000000000000001;Parent=1111111111111111;Sampled=1';
    const extracted = extractContext({ Records: records(300, { w3c: false }) }, undefined, {
      xrayTraceId: own,
    });
    expect(extracted.links).toHaveLength(128);
    expect(extracted.links[0]?.context.traceId).toBe('6a000000000000000000000000000001');
    expect(extracted.links[1]?.context.traceId).toBe(`00000001${hex(1, 24)}`);
    expect(extracted.links.every((link) => link.attributes?.['firefly.link.origin'] === 'xray')).toBe(true);
    const some = extractContext({ Records: records(100, { xray: false }) }, undefined, { xrayTraceId: own });
    expect(some.links).toHaveLength(101);
    expect(some.links.at(-1)?.context.traceId).toBe('6a000000000000000000000000000001');
  });

  it("with xray: 'parent', one X-Ray context is the parent and 128 more are still links", () => {
    const own = 'Root=1-6a000000-000000000000000000000001;Parent=1111111111111111;Sampled=1';
    const extracted = extractContext({ Records: records(300, { w3c: false }) }, undefined, {
      xrayTraceId: own,
      xray: 'parent',
    });
    expect(trace.getSpanContext(extracted.parent)?.traceId).toBe('6a000000000000000000000000000001');
    expect(extracted.links).toHaveLength(128);
    expect(extracted.links[0]?.context.traceId).toBe(`00000001${hex(1, 24)}`);
    expect(extracted.links.at(-1)?.context.traceId).toBe(`00000080${hex(128, 24)}`);
  });
});
