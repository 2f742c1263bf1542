import { createRequire } from 'node:module';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedAttributes, expectedSpan, withoutContext } from '../test-support/expect.js';
import { sdkSpans } from '../test-support/sdk-traces.js';
import { decodeTracesJson, decodeTracesProtobuf, encodeTracesJson, encodeTracesProtobuf } from './index.js';

// protobufjs code generated from the official opentelemetry-proto definitions, as shipped by
// @opentelemetry/otlp-transformer 0.203: the reference decoder for what we encode.
const reference = createRequire(import.meta.url)('otlp-protobufjs-reference/build/src/generated/root.js');
const ExportTraceServiceRequest = reference.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const canonical = (bytes: Uint8Array) =>
  ExportTraceServiceRequest.toObject(ExportTraceServiceRequest.decode(bytes), {
    longs: String,
    bytes: String,
    defaults: true,
  });

let sdk: ReadableSpan[];
beforeAll(async () => {
  sdk = await sdkSpans();
});

describe.each([
  ['protobuf', () => decodeTracesProtobuf(ProtobufTraceSerializer.serializeRequest(sdk) as Uint8Array)],
  ['JSON', () => decodeTracesJson(JsonTraceSerializer.serializeRequest(sdk) as Uint8Array)],
])('OTLP %s from the OpenTelemetry JS SDK decodes to the same spans', (_encoding, decode) => {
  it('every span field equals what the SDK recorded', () => {
    const { spans, rejectedSpans, errorMessage } = decode();
    expect(rejectedSpans).toBe(0);
    expect(errorMessage).toBe('');
    expect(spans).toHaveLength(sdk.length);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const s of sdk)
      expect(withoutContext(byId.get(s.spanContext().spanId) as never)).toEqual(expectedSpan(s));
    // The fixture really exercises the interesting cases.
    const root = byId.get(sdk.find((s) => s.name === 'GET /orders/{id}')?.spanContext().spanId ?? '');
    expect(root?.droppedAttributesCount).toBeGreaterThan(0);
    expect(root?.droppedLinksCount).toBe(1);
    expect(root?.traceState).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(root?.flags).toBe(0x301);
    expect(spans.some((s) => s.droppedEventsCount > 0)).toBe(true);
  });

  it('resource and scope are shared objects with the SDK values and a derived service name', () => {
    const { spans } = decode();
    for (const span of spans) {
      const original = sdk.find((s) => s.spanContext().spanId === span.spanId) as ReadableSpan;
      expect(span.resource.attributes).toEqual(expectedAttributes(original.resource.attributes));
      expect(span.resource.serviceName).toBe('checkout-handler');
      expect(span.scope.name).toBe(original.instrumentationScope.name);
      expect(span.scope.version).toBe(original.instrumentationScope.version ?? '');
    }
    const scopes = new Set(spans.map((s) => s.scope));
    expect(scopes.size).toBe(2);
    expect(new Set(spans.map((s) => s.resource)).size).toBe(1);
  });
});

describe('what we encode, the official decoder reads back identically', () => {
  it('protobuf: canonical form equals the official serializer output', () => {
    const official = ProtobufTraceSerializer.serializeRequest(sdk) as Uint8Array;
    const ours = encodeTracesProtobuf(decodeTracesProtobuf(official).spans);
    expect(canonical(ours)).toEqual(canonical(official));
  });

  it('JSON: ours → our JSON → ours is lossless, and matches the protobuf decode', () => {
    const { spans } = decodeTracesProtobuf(ProtobufTraceSerializer.serializeRequest(sdk) as Uint8Array);
    const again = decodeTracesJson(encodeTracesJson(spans));
    expect(again.spans.map(withoutContext)).toEqual(spans.map(withoutContext));
    expect(again.spans[0]?.resource).toEqual(spans[0]?.resource);
  });
});
