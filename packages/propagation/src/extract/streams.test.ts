import { SpanKind, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import dynamodb from '../testdata/dynamodb.json' with { type: 'json' };
import kinesis from '../testdata/kinesis.json' with { type: 'json' };
import s3 from '../testdata/s3.json' with { type: 'json' };
import { extractContext } from './extract-context.js';

const NO_ENV = { xrayTraceId: '' };

describe('Kinesis', () => {
  it('links each record whose JSON data carries _firefly, and has no parent', () => {
    const extracted = extractContext(kinesis, undefined, NO_ENV);
    expect(extracted.source).toBe('kinesis');
    expect(extracted.trigger).toBe('pubsub');
    expect(extracted.spanKind).toBe(SpanKind.CONSUMER);
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(
      extracted.links.map((link) => [link.context.traceId, link.attributes?.['messaging.message.id']]),
    ).toEqual([
      ['11111111111111111111111111111111', '49590338271490256608559692538361571095921575989136588898'],
      ['22222222222222222222222222222222', '49590338271490256608559692540925702759324208523137515619'],
    ]);
    expect(extracted.attributes).toEqual({
      'messaging.system': 'aws.kinesis',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': 'lambda-stream',
      'messaging.batch.message_count': 3,
    });
  });

  it('makes the context of a single record the parent, without a batch count', () => {
    const extracted = extractContext({ Records: kinesis.Records.slice(0, 1) }, undefined, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)?.traceId).toBe('11111111111111111111111111111111');
    expect(extracted.links).toEqual([]);
    // The semantic conventions: not set on spans that operate on a single message.
    expect(extracted.attributes['messaging.batch.message_count']).toBeUndefined();
  });
});

describe('DynamoDB streams', () => {
  it('links each record whose new image has _firefly_traceparent; a REMOVE has none', () => {
    const extracted = extractContext(dynamodb, undefined, NO_ENV);
    expect(extracted.source).toBe('dynamodb');
    expect(extracted.trigger).toBe('datasource');
    expect(extracted.spanKind).toBe(SpanKind.CONSUMER);
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(extracted.links.map((link) => link.context.traceId)).toEqual([
      '11111111111111111111111111111111',
      '22222222222222222222222222222222',
    ]);
    expect(extracted.links[0]?.context.traceState?.get('congo')).toBe('t61rcWkgMzE');
    // The operations differ, so none is named for the batch.
    expect(extracted.attributes).toEqual({ 'faas.document.collection': 'ExampleTableWithStream' });
  });

  it('names the operation and time of a single record', () => {
    const extracted = extractContext({ Records: dynamodb.Records.slice(1, 2) }, undefined, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)?.traceId).toBe('22222222222222222222222222222222');
    expect(extracted.attributes).toEqual({
      'faas.document.collection': 'ExampleTableWithStream',
      'faas.document.operation': 'edit',
      'faas.document.time': '2016-11-18T20:09:00.000Z',
    });
  });
});

describe('S3', () => {
  it('is a new root with the document attributes, the key URL-decoded', () => {
    const extracted = extractContext(s3, undefined, NO_ENV);
    expect(extracted.source).toBe('s3');
    expect(extracted.trigger).toBe('datasource');
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(extracted.links).toEqual([]);
    expect(extracted.attributes).toEqual({
      'faas.document.collection': 'DOC-EXAMPLE-BUCKET',
      'faas.document.name': 'reports/2019 summary.pdf',
      'faas.document.operation': 'insert',
      'faas.document.time': '2019-09-03T19:37:27.192Z',
    });
  });
});
