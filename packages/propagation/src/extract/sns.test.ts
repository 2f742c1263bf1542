import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import sns from '../testdata/sns.json' with { type: 'json' };
import { extractContext } from './extract-context.js';

describe('SNS', () => {
  it('takes the parent and baggage from { Type, Value } message attributes', () => {
    const extracted = extractContext(sns, undefined, { xrayTraceId: '' });
    expect(extracted.source).toBe('sns');
    expect(extracted.trigger).toBe('pubsub');
    expect(extracted.spanKind).toBe(SpanKind.CONSUMER);
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
    });
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
    expect(extracted.links).toEqual([]);
    expect(extracted.attributes).toEqual({
      'messaging.system': 'aws.sns',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'sns-lambda',
      'aws.sns.topic.arn': 'arn:aws:sns:us-east-1:123456789012:sns-lambda',
      'messaging.message.id': '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
    });
  });

  it('ignores a traceparent attribute that is not of type String', () => {
    const [record] = sns.Records;
    const binary = {
      ...record,
      Sns: { ...record?.Sns, MessageAttributes: { traceparent: { Type: 'Binary', Value: 'AAEC' } } },
    };
    const extracted = extractContext({ Records: [binary] }, undefined, { xrayTraceId: '' });
    expect(extracted.source).toBe('sns');
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
  });
});
