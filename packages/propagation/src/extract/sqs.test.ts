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
      'messaging.destination.name': 'my-queue',
      'messaging.batch.message_count': 1,
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
