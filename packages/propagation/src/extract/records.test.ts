import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import dynamodb from '../testdata/dynamodb.json' with { type: 'json' };
import kinesis from '../testdata/kinesis.json' with { type: 'json' };
import sns from '../testdata/sns.json' with { type: 'json' };
import sqsBatch from '../testdata/sqs-batch.json' with { type: 'json' };
import sqsSingle from '../testdata/sqs-single.json' with { type: 'json' };
import snsEnvelope from '../testdata/sqs-sns-envelope.json' with { type: 'json' };
import { AsyncLocalStorageContextManager } from '../testing/context-manager.js';
import { forEachRecord, recordContext } from './records.js';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
});
afterAll(() => {
  context.disable();
});

describe('recordContext', () => {
  it('gives an SQS record its producer as parent, its AWSTraceHeader as a link, and the message attributes', () => {
    const extracted = recordContext(sqsSingle.Records[0]);
    expect(extracted.source).toBe('sqs');
    expect(extracted.spanKind).toBe(SpanKind.CONSUMER);
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('b7ad6b7169203331');
    expect(propagation.getBaggage(extracted.parent)?.getEntry('tenant')?.value).toBe('acme');
    expect(extracted.links.map((link) => link.context.traceId)).toEqual(['5759e988bd862e3fe1be46a994272793']);
    expect(extracted.attributes).toEqual({
      'messaging.system': 'aws_sqs',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'my-queue',
      'messaging.message.id': '059f36b4-87a3-44ab-83d2-661975830a7d',
    });
  });

  it('does not link the invocation’s own X-Ray header: that belongs to the invocation span', () => {
    vi.stubEnv(
      '_X_AMZN_TRACE_ID',
      'Root=1-6a000000-000000000000000000000001;Parent=1111111111111111;Sampled=1',
    );
    try {
      expect(recordContext(sqsBatch.Records[2]).links).toEqual([]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('reads SNS records, SNS envelopes in SQS, Kinesis and DynamoDB records', () => {
    expect(trace.getSpanContext(recordContext(sns.Records[0]).parent)?.spanId).toBe('b7ad6b7169203331');
    expect(trace.getSpanContext(recordContext(snsEnvelope.Records[0]).parent)?.spanId).toBe(
      'b7ad6b7169203331',
    );
    const stream = recordContext(kinesis.Records[2]);
    expect(stream.source).toBe('kinesis');
    expect(trace.getSpanContext(stream.parent)?.traceId).toBe('22222222222222222222222222222222');
    const change = recordContext(dynamodb.Records[0]);
    expect(change.source).toBe('dynamodb');
    expect(change.attributes['faas.document.operation']).toBe('insert');
    expect(trace.getSpanContext(change.parent)?.traceId).toBe('11111111111111111111111111111111');
  });

  it('gives a record without context a new root', () => {
    const extracted = recordContext(sqsBatch.Records[2]);
    expect(extracted.source).toBe('sqs');
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
  });
});

describe('forEachRecord', () => {
  it('runs each record under its own parent, across awaits, so spans started inside continue its trace', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
      't',
    );
    const seen: (string | undefined)[] = [];
    await forEachRecord(sqsBatch, async (record, extracted) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(trace.getSpanContext(context.active())?.traceId);
      expect(extracted.attributes['messaging.message.id']).toBe(record.messageId);
      tracer.startSpan(`process ${record.messageId}`).end();
    });
    expect(seen).toEqual(['11111111111111111111111111111111', '22222222222222222222222222222222', undefined]);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => [span.spanContext().traceId, span.parentSpanContext?.spanId])).toEqual([
      ['11111111111111111111111111111111', '1111111111111111'],
      ['22222222222222222222222222222222', '2222222222222222'],
      [expect.any(String), undefined],
    ]);
    expect(trace.getSpanContext(context.active())).toBeUndefined();
  });

  it('keeps the active context (the invocation span) for a record without trace context', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
      't',
    );
    const invocation = tracer.startSpan('invocation');
    const baggageOnly = {
      ...(sqsBatch.Records[2] as (typeof sqsBatch.Records)[number]),
      messageAttributes: { baggage: { stringValue: 'tenant=initech', dataType: 'String' } },
    };
    const parents: (string | undefined)[] = [];
    await context.with(trace.setSpan(context.active(), invocation), () =>
      forEachRecord({ Records: [...sqsBatch.Records, baggageOnly] }, (record, extracted) => {
        expect(extracted.parent).toBe(context.active());
        tracer.startSpan(`process ${record.messageId}`).end();
        parents.push(propagation.getActiveBaggage()?.getEntry('tenant')?.value);
      }),
    );
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.parentSpanContext?.spanId)).toEqual([
      '1111111111111111',
      '2222222222222222',
      invocation.spanContext().spanId,
      invocation.spanContext().spanId,
    ]);
    expect(spans[2]?.spanContext().traceId).toBe(invocation.spanContext().traceId);
    // Baggage a record carries without a traceparent still applies.
    expect(parents).toEqual([undefined, undefined, undefined, 'initech']);
  });

  it('processes records one after another, and an error of the callback stops and rejects', async () => {
    const order: string[] = [];
    const failing = forEachRecord(sqsBatch, async (record) => {
      order.push(`start ${record.messageId}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (record.body === 'second') throw new Error('poison message');
      order.push(`end ${record.messageId}`);
    });
    await expect(failing).rejects.toThrow('poison message');
    expect(order).toEqual([
      'start 059f36b4-87a3-44ab-83d2-661975830a7d',
      'end 059f36b4-87a3-44ab-83d2-661975830a7d',
      'start 2e1424d4-f796-459a-8184-9c92662be6da',
    ]);
  });

  it('turns a synchronous throw into a rejection and does nothing for an event without records', async () => {
    await expect(
      forEachRecord(sqsSingle, () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    let calls = 0;
    await forEachRecord({ Records: [] }, () => calls++);
    await forEachRecord({} as never, () => calls++);
    expect(calls).toBe(0);
  });
});
