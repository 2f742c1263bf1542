import { StorageError } from '@firefly/storage';
import { formatDouble } from './any-value-json.js';

export const BACKEND = 'clickhouse';

// DateTime64(9) holds 1900-01-01 to 2262-04-11 (an Int64 of nanoseconds from 1970).
const MIN_NANOS = -2_208_988_800_000_000_000n;
const MAX_NANOS = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;
const MIN_INT64 = -(2n ** 63n);

/** Nanoseconds as an unquoted JSON integer for a DateTime64(9) column; `where` names the field in errors. */
export function nanos(value: bigint, where: () => string): string {
  if (value < MIN_NANOS || value > MAX_NANOS) {
    throw invalid(`${where()} is ${value} ns, outside what DateTime64(9) holds (1900 to 2262)`);
  }
  return value.toString();
}

export function uint64(value: bigint, where: () => string): string {
  if (value < 0n || value > MAX_UINT64) throw invalid(`${where()} is ${value}, outside UInt64`);
  return value.toString();
}

export function int64(value: bigint, where: () => string): string {
  if (value < MIN_INT64 || value > MAX_NANOS) throw invalid(`${where()} is ${value}, outside Int64`);
  return value.toString();
}

/** A Float64 for JSONEachRow: JSON has no NaN, infinities or -0, so those go as text ClickHouse reads. */
export function float(value: number): number | string {
  return Number.isFinite(value) && !Object.is(value, -0) ? value : formatDouble(value);
}

/** The reverse, for JSON output with `output_format_json_quote_denormals=1`. */
export function readFloat(value: number | string): number {
  if (typeof value === 'number') return value;
  switch (value) {
    case 'nan':
      return Number.NaN;
    case 'inf':
      return Number.POSITIVE_INFINITY;
    case '-inf':
      return Number.NEGATIVE_INFINITY;
    default:
      return Number(value);
  }
}

function invalid(message: string): StorageError {
  return new StorageError('INVALID_DATA', BACKEND, message);
}
