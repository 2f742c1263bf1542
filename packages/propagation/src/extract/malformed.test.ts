import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import restApi from '../testdata/apigw-rest.json' with { type: 'json' };
import sqsSingle from '../testdata/sqs-single.json' with { type: 'json' };
import { extractContext } from './extract-context.js';
import { recordContext } from './records.js';

const NO_ENV = { xrayTraceId: '' };

const throwing = new Proxy(
  {},
  {
    get() {
      throw new Error('hostile getter');
    },
    has() {
      throw new Error('hostile has');
    },
  },
);

const shapes: [string, unknown][] = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a string', 'hello'],
  ['an array', [1, 2, 3]],
  ['an empty object', {}],
  ['empty Records', { Records: [] }],
  ['Records of junk', { Records: [null, 1, 'x'] }],
  ['Records with an unknown source', { Records: [{ eventSource: 'aws:mq' }] }],
  ['a requestContext without HTTP fields', { requestContext: {} }],
  ['headers that are not an object', { ...restApi, headers: 'Traceparent: x', multiValueHeaders: [1] }],
  [
    'header values of the wrong type',
    { ...restApi, headers: { traceparent: 7, baggage: { a: 1 } }, multiValueHeaders: { traceparent: [7] } },
  ],
  ['an SQS record with junk attributes', { Records: [{ eventSource: 'aws:sqs', messageAttributes: 'x' }] }],
  ['an SNS record without Sns', { Records: [{ EventSource: 'aws:sns' }] }],
  [
    'a Kinesis record with bad base64',
    { Records: [{ eventSource: 'aws:kinesis', kinesis: { data: '%%%' } }] },
  ],
  [
    'a DynamoDB record with a junk image',
    { Records: [{ eventSource: 'aws:dynamodb', dynamodb: { NewImage: 1 } }] },
  ],
  ['a hostile object', throwing],
  ['hostile Records', { Records: [throwing] }],
  ['a malformed _firefly', { _firefly: 'traceparent' }],
];

describe('events it cannot read', () => {
  it.each(shapes)('%s: no throw, a new root', (_name, event) => {
    const extracted = extractContext(event, undefined, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(Array.isArray(extracted.links)).toBe(true);
    expect(recordContext(event).parent).toBeDefined();
  });

  it('unknown events are SERVER spans with trigger other and no attributes', () => {
    expect(extractContext({ hello: 'world' }, undefined, NO_ENV)).toEqual({
      parent: ROOT_CONTEXT,
      links: [],
      source: 'unknown',
      trigger: 'other',
      spanKind: SpanKind.SERVER,
      attributes: {},
    });
  });

  it('a hostile Lambda context is ignored', () => {
    const extracted = extractContext(sqsSingle, throwing as never, NO_ENV);
    expect(trace.getSpanContext(extracted.parent)?.spanId).toBe('b7ad6b7169203331');
  });

  it('malformed traceparent, tracestate, baggage and X-Ray values give no parent and no link', () => {
    const headers = {
      traceparent: '00-not-a-trace-01',
      tracestate: '=,,,=',
      baggage: ';;;',
      'x-amzn-trace-id': 'Root=garbage',
    };
    const extracted = extractContext({ ...restApi, headers, multiValueHeaders: {} }, undefined, NO_ENV);
    expect(extracted.source).toBe('api-gateway-rest');
    expect(trace.getSpanContext(extracted.parent)).toBeUndefined();
    expect(extracted.links).toEqual([]);
  });
});
