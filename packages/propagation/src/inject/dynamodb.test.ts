import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { extractContext } from '../extract/extract-context.js';
import { SENDER, SENDER_TRACEPARENT, senderContext } from '../testing/spans.js';
import { dynamoDbTraceAttributes } from './dynamodb.js';

describe('dynamoDbTraceAttributes', () => {
  it('writes the attributes a DynamoDB stream consumer extracts', () => {
    const withState = trace.setSpanContext(ROOT_CONTEXT, {
      ...SENDER,
      traceState: new TraceState('congo=t61'),
    });
    const attributes = dynamoDbTraceAttributes(withState);
    expect(attributes).toEqual({
      _firefly_traceparent: { S: SENDER_TRACEPARENT },
      _firefly_tracestate: { S: 'congo=t61' },
    });
    const record = {
      eventID: '1',
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024-01-01T00:00:00.000',
      dynamodb: { NewImage: { Id: { S: 'o-1' }, ...attributes } },
    };
    const extracted = extractContext({ Records: [record] }, undefined, { xrayTraceId: '' });
    expect(trace.getSpanContext(extracted.parent)).toMatchObject({
      traceId: SENDER.traceId,
      spanId: SENDER.spanId,
    });
    expect(extracted.attributes['faas.document.collection']).toBe('Orders');
  });

  it('is empty without a span, so spreading it changes nothing', () => {
    expect(dynamoDbTraceAttributes(ROOT_CONTEXT)).toEqual({});
    expect(Object.keys(dynamoDbTraceAttributes(senderContext()))).toEqual(['_firefly_traceparent']);
  });
});
