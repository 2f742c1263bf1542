import {
  JsonTraceSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { exoticSpans } from '../test-support/exotic.js';
import {
  decodeResponseJson,
  decodeResponseProtobuf,
  decodeTraces,
  encodeResponse,
  encodeTracesJson,
  encodeTracesProtobuf,
  encodingOf,
} from './index.js';

describe('content types', () => {
  it.each([
    ['application/x-protobuf', 'protobuf'],
    ['application/json', 'json'],
    ['Application/JSON; charset=utf-8', 'json'],
  ])('%s is %s', (header, encoding) => {
    expect(encodingOf(header)).toBe(encoding);
  });

  it.each([['text/plain'], [''], [undefined], ['application/protobuf']])(
    '%j is refused by name',
    (header) => {
      expect(() => encodingOf(header)).toThrow(
        `unsupported content type "${header ?? ''}"; OTLP/HTTP uses application/x-protobuf or application/json`,
      );
    },
  );

  it('decodeTraces dispatches on the encoding', () => {
    const spans = exoticSpans();
    expect(decodeTraces(encodeTracesProtobuf(spans), 'protobuf').spans).toEqual(spans);
    expect(decodeTraces(Buffer.from(encodeTracesJson(spans)), 'json').spans).toEqual(spans);
  });
});

describe('export responses', () => {
  it('are empty on full success', () => {
    expect(encodeResponse({ rejected: 0, errorMessage: '' }, 'traces', 'protobuf')).toEqual(new Uint8Array());
    expect(encodeResponse({ rejected: 0, errorMessage: '' }, 'metrics', 'json')).toBe('{}');
  });

  it('carry partial success in both encodings and decode back', () => {
    const partial = { rejected: 3, errorMessage: 'span "x": trace_id must be 16 bytes, got 2' };
    expect(decodeResponseProtobuf(encodeResponse(partial, 'traces', 'protobuf') as Uint8Array)).toEqual(
      partial,
    );
    const json = encodeResponse(partial, 'traces', 'json') as string;
    expect(JSON.parse(json)).toEqual({
      partialSuccess: { rejectedSpans: '3', errorMessage: partial.errorMessage },
    });
    expect(decodeResponseJson(json)).toEqual(partial);
    expect(JSON.parse(encodeResponse(partial, 'metrics', 'json') as string)).toEqual({
      partialSuccess: { rejectedDataPoints: '3', errorMessage: partial.errorMessage },
    });
  });

  it('are read by the OpenTelemetry SDK exporters as partial success', () => {
    const partial = { rejected: 2, errorMessage: 'two bad spans' };
    const proto = encodeResponse(partial, 'traces', 'protobuf') as Uint8Array;
    expect(ProtobufTraceSerializer.deserializeResponse(proto).partialSuccess).toMatchObject({
      errorMessage: 'two bad spans',
    });
    expect(Number(ProtobufTraceSerializer.deserializeResponse(proto).partialSuccess?.rejectedSpans)).toBe(2);
    const metrics = encodeResponse(partial, 'metrics', 'protobuf') as Uint8Array;
    expect(
      Number(ProtobufMetricsSerializer.deserializeResponse(metrics).partialSuccess?.rejectedDataPoints),
    ).toBe(2);
    const json = Buffer.from(encodeResponse(partial, 'traces', 'json') as string);
    expect(Number(JsonTraceSerializer.deserializeResponse(json).partialSuccess?.rejectedSpans)).toBe(2);
  });
});
