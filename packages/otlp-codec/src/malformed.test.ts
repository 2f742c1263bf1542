import { describe, expect, it } from 'vitest';
import { exoticPoints, exoticSpans } from '../test-support/exotic.js';
import {
  decodeMetricsJson,
  decodeMetricsProtobuf,
  decodeTracesJson,
  decodeTracesProtobuf,
  encodeMetricsProtobuf,
  encodeTracesJson,
  encodeTracesProtobuf,
  MAX_VALUE_DEPTH,
  OtlpDecodeError,
} from './index.js';
import { ProtoWriter } from './wire/writer.js';

/** A tiny deterministic PRNG (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decoding either succeeds or throws OtlpDecodeError; anything else is a bug. */
function outcome(decode: () => unknown): 'ok' | OtlpDecodeError['code'] {
  try {
    decode();
    return 'ok';
  } catch (error) {
    if (error instanceof OtlpDecodeError) return error.code;
    throw error;
  }
}

/** `ExportTraceServiceRequest { resource_spans { scope_spans { spans { <span> } } } }`. */
function wrapSpan(writeSpan: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter();
  const rs = w.begin(1);
  const ss = w.begin(2);
  const span = w.begin(2);
  writeSpan(w);
  w.end(span);
  w.end(ss);
  w.end(rs);
  return w.finish();
}

function validIds(w: ProtoWriter): void {
  w.tag(1, 2);
  w.hex('0af7651916cd43dd8448eb211c80319c');
  w.tag(2, 2);
  w.hex('b7ad6b7169203331');
}

describe('malformed protobuf never crashes, hangs or over-allocates', () => {
  const traces = encodeTracesProtobuf(exoticSpans());
  const metrics = encodeMetricsProtobuf(exoticPoints());

  it('every truncation of a valid payload decodes or fails with a typed error', () => {
    for (const [payload, decode] of [
      [traces, decodeTracesProtobuf],
      [metrics, decodeMetricsProtobuf],
    ] as const) {
      const codes = new Set<string>();
      for (let end = 0; end < payload.length; end++)
        codes.add(outcome(() => decode(payload.subarray(0, end))));
      expect(codes).toContain('TRUNCATED');
    }
  });

  it('20,000 random mutations decode or fail with a typed error', () => {
    const next = random(42);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const source = i % 2 === 0 ? traces : metrics;
      const bytes = source.slice();
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      seen.add(outcome(() => (i % 2 === 0 ? decodeTracesProtobuf(bytes) : decodeMetricsProtobuf(bytes))));
    }
    // Mutations hit many different checks, and some still parse.
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect(seen).toContain('ok');
  });

  it('random garbage of every size fails cleanly', () => {
    const next = random(7);
    for (let size = 1; size < 2_000; size += 7) {
      const bytes = Uint8Array.from({ length: size }, () => Math.floor(next() * 256));
      outcome(() => decodeTracesProtobuf(bytes));
      outcome(() => decodeMetricsProtobuf(bytes));
    }
  });

  it('an absurd length prefix is refused before anything is allocated', () => {
    const bytes = Uint8Array.of(0x0a, 0xff, 0xff, 0xff, 0xff, 0x07, 0x00); // resource_spans of 2 GiB
    expect(() => decodeTracesProtobuf(bytes)).toThrow(
      new OtlpDecodeError(
        'TRUNCATED',
        'protobuf: input ends inside a field of 2147483647 bytes (1 remain) at byte 6',
      ),
    );
  });

  it('a nested length may not run past its parent message', () => {
    // ResourceSpans of 3 bytes whose ScopeSpans claims 5.
    const bytes = Uint8Array.of(0x0a, 0x03, 0x12, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00);
    expect(outcome(() => decodeTracesProtobuf(bytes))).toBe('TRUNCATED');
  });

  it('a known field with the wrong wire type is named', () => {
    const bytes = wrapSpan((w) => {
      validIds(w);
      w.tag(5, 0); // name as a varint
      w.varint32(1);
    });
    expect(() => decodeTracesProtobuf(bytes)).toThrow(/Span field 5 has unexpected wire type 0/);
  });

  it('unknown fields of every wire type, groups included, are skipped', () => {
    const bytes = wrapSpan((w) => {
      validIds(w);
      w.tag(100, 0);
      w.varint64(2n ** 63n);
      w.tag(101, 1);
      w.fixed64(1n);
      w.tag(102, 2);
      w.string('ignored');
      w.tag(103, 5);
      w.fixed32(1);
      w.tag(104, 3); // start group 104 { field 1 varint, nested group 2 {} }
      w.tag(1, 0);
      w.varint32(5);
      w.tag(2, 3);
      w.tag(2, 4);
      w.tag(104, 4);
      w.tag(5, 2);
      w.string('kept');
    });
    const { spans } = decodeTracesProtobuf(bytes);
    expect(spans.map((s) => s.name)).toEqual(['kept']);
  });

  it.each([
    ['a group closed by another field', [0x0a, 0x04, 0x1b, 0x08, 0x01, 0x24], 'INVALID_WIRE_TYPE'],
    ['wire type 6', [0x0e, 0x00], 'INVALID_WIRE_TYPE'],
    ['field number 0', [0x02, 0x00], 'INVALID_LENGTH'],
    [
      'an 11-byte varint',
      [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      'INVALID_LENGTH',
    ],
    [
      'a fixed64 cut short by its message',
      [0x0a, 0x03, 0x49, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07],
      'TRUNCATED',
    ],
  ])('%s is refused', (_what, bytes, code) => {
    expect(outcome(() => decodeTracesProtobuf(Uint8Array.from(bytes)))).toBe(code);
  });

  it('invalid UTF-8 in a string is refused; a genuine U+FFFD is kept', () => {
    const bad = wrapSpan((w) => {
      validIds(w);
      w.tag(5, 2);
      w.bytes(Uint8Array.of(0x61, 0xc3, 0x28)); // 'a', then a broken two-byte sequence
    });
    expect(() => decodeTracesProtobuf(bad)).toThrow(/string at byte \d+ is not valid UTF-8/);
    const good = wrapSpan((w) => {
      validIds(w);
      w.tag(5, 2);
      w.string('replacement \uFFFD character');
    });
    expect(decodeTracesProtobuf(good).spans[0]?.name).toBe('replacement \uFFFD character');
  });

  it(`attribute values nested deeper than ${MAX_VALUE_DEPTH} are refused`, () => {
    const bytes = wrapSpan((w) => {
      validIds(w);
      const kv = w.begin(9);
      const starts: number[] = [w.begin(2)];
      for (let i = 0; i < MAX_VALUE_DEPTH + 5; i++) {
        starts.push(w.begin(5)); // array_value
        starts.push(w.begin(1)); // values[0]
      }
      for (const start of starts.reverse()) w.end(start);
      w.end(kv);
    });
    expect(() => decodeTracesProtobuf(bytes)).toThrow(/attribute values nest deeper than 32/);
  });
});

describe('invalid items are rejected one by one, as partial success', () => {
  it('spans with ids of the wrong length are counted and named; the rest are kept', () => {
    const spans = exoticSpans();
    const bad = { ...(spans[1] as (typeof spans)[number]), traceId: 'abcd', name: 'bad trace id' };
    const badLink = {
      ...(spans[1] as (typeof spans)[number]),
      name: 'bad link',
      links: [{ ...(spans[1]?.links[0] as never as object), spanId: '' } as never],
    };
    for (const decode of [
      (s: typeof spans) => decodeTracesProtobuf(encodeTracesProtobuf(s)),
      (s: typeof spans) => decodeTracesJson(encodeTracesJson(s)),
    ]) {
      const result = decode([...spans, bad, badLink]);
      expect(result.spans).toHaveLength(2);
      expect(result.rejectedSpans).toBe(2);
      expect(result.errorMessage).toMatch(
        /span "bad trace id" \(span_?[iI]d ffffffffffffffff\): trace_?[iI]d must be 16 bytes, got 2/,
      );
      expect(result.errorMessage).toMatch(/span "bad link" .*link 0 span_?[iI]d must be 8 bytes, got 0/);
    }
  });

  it('points without a value, a name, or with mismatched buckets are rejected', () => {
    const points = exoticPoints();
    const gauge = points[0] as Extract<(typeof points)[number], { type: 'gauge' }>;
    const histogram = points[3] as Extract<(typeof points)[number], { type: 'histogram' }>;
    const json = (body: object) => decodeMetricsJson(JSON.stringify(body));
    const result = json({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'no.value', gauge: { dataPoints: [{ timeUnixNano: '1' }, { asInt: '5' }] } },
                { gauge: { dataPoints: [{ asDouble: 1 }] } },
                {
                  name: 'buckets',
                  histogram: { dataPoints: [{ bucketCounts: ['1', '2'], explicitBounds: [1, 2] }] },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(result.points.map((p) => p.metric.name)).toEqual(['no.value']);
    expect(result.rejectedDataPoints).toBe(3);
    expect(result.errorMessage).toBe(
      'metric "no.value" gauge point: it has neither as_double nor as_int; ' +
        'metric "" gauge point: the metric has no name; ' +
        'metric "buckets" histogram point: it has 2 bucket counts for 2 bounds (expected bounds + 1)',
    );
    expect(gauge.type).toBe('gauge');
    expect(histogram.type).toBe('histogram');
  });
});
