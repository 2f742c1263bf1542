import { StorageError } from '@firefly/storage';

export const BACKEND = 'clickhouse';

// DateTime64(9) holds 1900-01-01 to 2262-04-11 (an Int64 of nanoseconds from 1970).
const MIN_NANOS = -2_208_988_800_000_000_000n;
const MAX_NANOS = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;
const MIN_INT64 = -(2n ** 63n);

/** `value` if a DateTime64(9) can hold it; `where` names the field in the error. */
export function checkNanos(value: bigint, where: () => string): bigint {
  if (value < MIN_NANOS || value > MAX_NANOS) {
    throw invalid(`${where()} is ${value} ns, outside what DateTime64(9) holds (1900 to 2262)`);
  }
  return value;
}

export function checkUint64(value: bigint, where: () => string): bigint {
  if (value < 0n || value > MAX_UINT64) throw invalid(`${where()} is ${value}, outside UInt64`);
  return value;
}

export function checkInt64(value: bigint, where: () => string): bigint {
  if (value < MIN_INT64 || value > MAX_NANOS) throw invalid(`${where()} is ${value}, outside Int64`);
  return value;
}

/** A Float64 from JSON output with `output_format_json_quote_denormals=1` (NaN and infinities quoted). */
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
