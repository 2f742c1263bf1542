import { decodeTracesProtobuf, encodeTracesProtobuf } from '@firefly/otlp-codec';
import { describe, expect, it } from 'vitest';
import { byMetricName, bySpanId, hex, metricPoints, traceSpans } from '../../test-support/kafka-buffer.js';
import { decodePointRecord, decodeSpanRecord } from './decode-records.js';
import { metricRecords, traceRecords } from './encode-records.js';

describe('records on the way to Kafka', () => {
  it('makes one record per trace, keyed by its id, holding exactly its spans', () => {
    const traces = [traceSpans(3), traceSpans(5), traceSpans(1)];
    // Interleaved, as a batch from several Lambda invocations arrives.
    const spans = [0, 1, 2, 3, 4].flatMap((i) => traces.map((t) => t[i]).filter((s) => s !== undefined));
    const records = traceRecords(spans, 1 << 20);
    expect(records.map((r) => r.key).sort()).toEqual(traces.map((t) => t[0]?.traceId).sort());
    for (const record of records) {
      const decoded = decodeTracesProtobuf(record.value).spans;
      expect(decoded.every((span) => span.traceId === record.key)).toBe(true);
      expect(record.items).toBe(decoded.length);
      const trace = traces.find((t) => t[0]?.traceId === record.key) ?? [];
      expect(decoded.sort(bySpanId)).toEqual([...trace].sort(bySpanId));
    }
  });

  it('splits a trace over several records under the size limit, all with its key', () => {
    const spans = traceSpans(400);
    const whole = encodeTracesProtobuf(spans).byteLength;
    const limit = Math.floor(whole / 5);
    const records = traceRecords(spans, limit);
    expect(records.length).toBeGreaterThanOrEqual(5);
    for (const record of records) {
      expect(record.key).toBe(spans[0]?.traceId);
      expect(record.value.byteLength).toBeLessThanOrEqual(limit);
    }
    const back = records.flatMap((r) => decodeTracesProtobuf(r.value).spans);
    expect(back.sort(bySpanId)).toEqual([...spans].sort(bySpanId));
  });

  it('sends a single span over the limit as a record of its own', () => {
    const [span] = traceSpans(1);
    if (span === undefined) throw new Error('no span');
    span.attributes.payload = 'x'.repeat(10_000);
    const records = traceRecords([span, ...traceSpans(2, span.traceId)], 5_000);
    expect(records.reduce((sum, r) => sum + r.items, 0)).toBe(3);
    const large = records.filter((r) => r.value.byteLength > 5_000);
    expect(large).toEqual([expect.objectContaining({ key: span.traceId, items: 1 })]);
  });

  it('keys metric points by metric name', () => {
    const points = [...metricPoints('a'), ...metricPoints('a'), ...metricPoints('b')];
    const records = metricRecords(points, 1 << 20);
    expect(records).toHaveLength(10);
    for (const record of records) {
      const decoded = decodePointRecord(record.value);
      if (!decoded.ok) throw new Error(decoded.error);
      expect(decoded.items.every((p) => p.metric.name === record.key)).toBe(true);
      expect(decoded.items).toHaveLength(record.key.startsWith('a.') ? 2 : 1);
    }
  });
});

describe('records read back from Kafka', () => {
  it('decodes what the producer side wrote, field for field', () => {
    const points = metricPoints(hex(4));
    const back = metricRecords(points, 1 << 20).flatMap((r) => {
      const decoded = decodePointRecord(r.value);
      return decoded.ok ? decoded.items : [];
    });
    expect(back.sort(byMetricName)).toEqual([...points].sort(byMetricName));
  });

  it('names what is wrong with a record that is not ours', () => {
    expect(decodeSpanRecord(null)).toMatchObject({ ok: false, code: 'EMPTY' });
    expect(decodeSpanRecord(Buffer.alloc(0))).toMatchObject({ ok: false, code: 'EMPTY' });
    const garbage = decodeSpanRecord(Buffer.from('this is not protobuf at all'));
    expect(garbage).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^not an OTLP protobuf export request: /),
    });
    // Valid protobuf with no spans (an empty export request) is nothing we would have written.
    expect(decodeSpanRecord(Buffer.from([0x62, 0x00]))).toMatchObject({ ok: false, code: 'NO_ITEMS' });
    const [span] = traceSpans(1);
    if (span === undefined) throw new Error('no span');
    // Two bytes where OTLP wants sixteen: only a foreign producer writes that.
    span.traceId = 'abcd';
    expect(decodeSpanRecord(Buffer.from(encodeTracesProtobuf([span])))).toMatchObject({
      ok: false,
      code: 'INVALID_ITEMS',
      error: expect.stringContaining('1 invalid spans'),
    });
  });
});
