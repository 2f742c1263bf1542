import { createRequire } from 'node:module';
import type { MetricPoint, Span } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { exoticPoints, exoticSpans } from '../test-support/exotic.js';
import {
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  encodeMetricsJson,
  encodeMetricsProtobuf,
  encodeTracesJson,
  encodeTracesProtobuf,
} from './index.js';

const reference = createRequire(import.meta.url)('otlp-protobufjs-reference/build/src/generated/root.js');
const { trace, metrics } = reference.opentelemetry.proto.collector;

/** Through the official decoder and encoder and back: what we wrote is what it read. */
function viaOfficial(
  type: { decode(b: Uint8Array): unknown; encode(m: unknown): { finish(): Uint8Array } },
  bytes: Uint8Array,
) {
  return type.encode(type.decode(bytes)).finish();
}

describe('exotic values survive every path', () => {
  it('spans: ours → official protobufjs → ours', () => {
    const spans = exoticSpans();
    const back = decodeTracesProtobuf(
      viaOfficial(trace.v1.ExportTraceServiceRequest, encodeTracesProtobuf(spans)),
    );
    expect(back.rejectedSpans).toBe(0);
    expect(back.spans).toEqual(spans);
    expect(Object.getPrototypeOf(back.spans[0]?.attributes)).toBe(Object.prototype);
    expect(Object.keys(back.spans[0]?.attributes ?? {})).toContain('__proto__');
  });

  it('spans: ours → OTLP/JSON → ours', () => {
    const spans: Span[] = exoticSpans();
    const back = decodeTracesJson(encodeTracesJson(spans));
    expect(back.rejectedSpans).toBe(0);
    expect(back.spans).toEqual(spans);
  });

  it('every metric point type with exemplars: ours → official protobufjs → ours', () => {
    const points = exoticPoints();
    const back = decodeMetricsProtobuf(
      viaOfficial(metrics.v1.ExportMetricsServiceRequest, encodeMetricsProtobuf(points)),
    );
    expect(back.rejectedDataPoints).toBe(0);
    expect(back.points).toEqual(points);
  });

  it('every metric point type with exemplars: ours → OTLP/JSON → ours', () => {
    const points: MetricPoint[] = exoticPoints();
    const back = decodeMetricsJson(encodeMetricsJson(points));
    expect(back.points).toEqual(points);
  });

  it('protobuf output is deterministic and compact', () => {
    const spans = exoticSpans();
    expect(encodeTracesProtobuf(spans)).toEqual(encodeTracesProtobuf(spans));
    expect(encodeTracesProtobuf([]).length).toBe(0);
  });
});
