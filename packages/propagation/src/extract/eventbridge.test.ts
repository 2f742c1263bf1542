import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import eventBridge from '../testdata/eventbridge.json' with { type: 'json' };
import schedule from '../testdata/schedule.json' with { type: 'json' };
import { extractContext } from './extract-context.js';

const NO_ENV = { xrayTraceId: '' };

describe('EventBridge', () => {
  it('takes the parent from detail._firefly', () => {
    const extracted = extractContext(eventBridge, undefined, NO_ENV);
    expect(extracted.source).toBe('eventbridge');
    expect(extracted.trigger).toBe('pubsub');
    expect(extracted.spanKind).toBe(SpanKind.CONSUMER);
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('b7ad6b7169203331');
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
    expect(extracted.attributes).toEqual({
      'messaging.system': 'aws.eventbridge',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.message.id': 'fe8d3c65-xmpl-c5c3-2c87-81584709a377',
    });
  });

  it('is a new root when the producer did not inject, or detail is not an object', () => {
    for (const detail of [{ orderId: '1' }, 'text', null, [1, 2]]) {
      const extracted = extractContext({ ...eventBridge, detail }, undefined, NO_ENV);
      expect(extracted.source).toBe('eventbridge');
      expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    }
  });
});

describe('Scheduled events', () => {
  it('start a new root with trigger timer, for rules and EventBridge Scheduler alike', () => {
    for (const source of ['aws.events', 'aws.scheduler']) {
      const extracted = extractContext({ ...schedule, source }, undefined, NO_ENV);
      expect(extracted.source).toBe('schedule');
      expect(extracted.trigger).toBe('timer');
      expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
      expect(extracted.attributes).toEqual({ 'faas.time': '2015-10-08T16:53:06Z' });
    }
  });

  it('still links to the invocation’s X-Ray trace', () => {
    const xrayTraceId = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
    const extracted = extractContext(schedule, undefined, { xrayTraceId });
    expect(extracted.links.map((link) => link.context.spanId)).toEqual(['53995c3f42cd8ad8']);
  });
});
