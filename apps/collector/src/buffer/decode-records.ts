import type { MetricPoint, Span } from '@firefly/model';
import { decodeMetricsProtobuf, decodeTracesProtobuf } from '@firefly/otlp-codec';

/**
 * A record read back from a signal's topic: either all of its items, or why none can be stored.
 * A record is stored whole or dead-lettered whole, never split between the two.
 */
export type DecodedRecord<T> =
  | { readonly ok: true; readonly items: readonly T[] }
  | { readonly ok: false; readonly code: string; readonly error: string };

export function decodeSpanRecord(value: Buffer | null): DecodedRecord<Span> {
  return decodeRecord(value, 'spans', (bytes) => {
    const decoded = decodeTracesProtobuf(bytes);
    return { items: decoded.spans, rejected: decoded.rejectedSpans, message: decoded.errorMessage };
  });
}

export function decodePointRecord(value: Buffer | null): DecodedRecord<MetricPoint> {
  return decodeRecord(value, 'data points', (bytes) => {
    const decoded = decodeMetricsProtobuf(bytes);
    return { items: decoded.points, rejected: decoded.rejectedDataPoints, message: decoded.errorMessage };
  });
}

function decodeRecord<T>(
  value: Buffer | null,
  noun: string,
  decode: (bytes: Uint8Array) => { items: T[]; rejected: number; message: string },
): DecodedRecord<T> {
  if (value === null || value.byteLength === 0) {
    return { ok: false, code: 'EMPTY', error: 'the record has no value' };
  }
  let decoded: { items: T[]; rejected: number; message: string };
  try {
    decoded = decode(value);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return {
      ok: false,
      code: typeof code === 'string' ? code : 'UNDECODABLE',
      error: `not an OTLP protobuf export request: ${(error as Error).message}`,
    };
  }
  // Our producer writes only valid, non-empty requests: anything else came from somewhere else.
  if (decoded.rejected > 0) {
    return {
      ok: false,
      code: 'INVALID_ITEMS',
      error: `${decoded.rejected} invalid ${noun} in the record: ${decoded.message}`,
    };
  }
  if (decoded.items.length === 0) {
    return { ok: false, code: 'NO_ITEMS', error: `the record holds no ${noun}` };
  }
  return { ok: true, items: decoded.items };
}
