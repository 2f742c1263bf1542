import { describe, expect, it } from 'vitest';
import { jsonRecord, lambdaDatums, otelRecord, random } from '../../test-support/metric-stream.js';
import { type DecodedMetricStream, decodeMetricStream, type MetricStreamFormat } from '../index.js';

const datums = lambdaDatums(3, 1_764_000_000_000);
const SOURCES: Record<MetricStreamFormat, Buffer> = {
  json: jsonRecord(datums),
  'opentelemetry1.0': otelRecord(datums, 4),
};

/** A decoder never throws on bad records: everything it could not use is counted. */
function decode(record: Uint8Array, format: MetricStreamFormat): DecodedMetricStream {
  const result = decodeMetricStream([record], format);
  const wellFormed = result.points.every(
    (p) => p.type === 'summary' && p.count >= 0n && p.metric.name.startsWith('amazonaws.com/'),
  );
  if (!wellFormed || (result.rejected === 0) !== (result.errorMessage === ''))
    expect.fail(`inconsistent result: ${result.errorMessage}`);
  return result;
}

describe.each(Object.keys(SOURCES) as MetricStreamFormat[])('malformed %s records', (format) => {
  const source = SOURCES[format];

  it('every truncation decodes what is whole and counts the rest', () => {
    let rejectedSomewhere = false;
    for (let end = 0; end <= source.length; end += format === 'json' ? 7 : 1) {
      const { points, rejected } = decode(source.subarray(0, end), format);
      expect(points.length).toBeLessThanOrEqual(datums.length);
      if (rejected > 0) rejectedSomewhere = true;
    }
    expect(rejectedSomewhere).toBe(true);
    expect(decode(source, format).points).toHaveLength(datums.length);
  });

  it('5,000 random byte mutations never throw, hang or invent points', () => {
    const next = random(format === 'json' ? 7 : 8);
    let rejected = 0;
    for (let i = 0; i < 5_000; i++) {
      const bytes = Buffer.from(source);
      const flips = 1 + Math.floor(next() * 4);
      for (let f = 0; f < flips; f++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      const result = decode(bytes, format);
      if (result.points.length > datums.length) expect.fail(`mutation ${i} invented points`);
      rejected += result.rejected;
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('random garbage never throws', () => {
    const next = random(99);
    for (let i = 0; i < 2_000; i++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 300) }, () => Math.floor(next() * 256));
      decode(bytes, format);
    }
  });
});

describe('crafted OpenTelemetry framing', () => {
  it('a length prefix claiming 4 GiB is refused without allocating it', () => {
    const record = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
    const { rejected, errorMessage } = decode(record, 'opentelemetry1.0');
    expect(rejected).toBe(1);
    expect(errorMessage).toBe(
      'records[0] message 1: declares 4294967295 bytes but only 3 are left in the record; skipped',
    );
  });

  it('thousands of empty messages decode quickly to nothing', () => {
    expect(decode(new Uint8Array(100_000), 'opentelemetry1.0')).toEqual({
      points: [],
      rejected: 0,
      errorMessage: '',
    });
  });
});
