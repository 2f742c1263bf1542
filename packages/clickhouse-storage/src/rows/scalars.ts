import { StorageError } from '@firefly/storage';

export const BACKEND = 'clickhouse';

const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;
const MAX_UINT64 = 2n ** 64n - 1n;
const MIN_INT32 = -(2 ** 31);
const MAX_INT32 = 2 ** 31 - 1;
const MAX_UINT32 = 2 ** 32 - 1;
// DateTime64(9) holds 1900-01-01 to 2262-04-11 (an Int64 of nanoseconds from 1970).
const MIN_NANOS = -2_208_988_800_000_000_000n;
const MAX_NANOS = MAX_INT64;

/**
 * Names a field of the row being written, for errors: `where('flags')` → `span 3 (ab12…) flags`.
 * The checks below take it and the field's name and call it only to report a value they refuse:
 * building a name, or a closure for one, for every value of every row cost more than the checks.
 */
export type Where = (what: string) => string;

/** `value` if a DateTime64(9) can hold it; `where` names the field in the error. */
export function checkNanos(value: bigint, where: Where, what: string): bigint {
  if (value < MIN_NANOS || value > MAX_NANOS) {
    throw invalid(`${where(what)} is ${value} ns, outside what DateTime64(9) holds (1900 to 2262)`);
  }
  return value;
}

export function checkUint64(value: bigint, where: Where, what: string): bigint {
  if (value < 0n || value > MAX_UINT64) throw invalid(`${where(what)} is ${value}, outside UInt64`);
  return value;
}

export function checkInt64(value: bigint, where: Where, what: string): bigint {
  if (value < MIN_INT64 || value > MAX_INT64) throw invalid(`${where(what)} is ${value}, outside Int64`);
  return value;
}

export function checkUint32(value: number, where: Where, what: string): number {
  if (Number.isInteger(value) && value >= 0 && value <= MAX_UINT32) return value;
  throw refused(value, 'UInt32', where(what));
}

export function checkInt32(value: number, where: Where, what: string): number {
  if (Number.isInteger(value) && value >= MIN_INT32 && value <= MAX_INT32) return value;
  throw refused(value, 'Int32', where(what));
}

// Whole numbers only: Buffer's writers would truncate 1.5 and write NaN as 0, while JSON sends them
// as they are and ClickHouse refuses them; either way the value is not what was given.
function refused(value: number, type: string, field: string): StorageError {
  const problem = Number.isInteger(value) ? 'outside' : 'not a whole number for';
  return invalid(`${field} is ${value}, ${problem} ${type}`);
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

export function invalid(message: string): StorageError {
  return new StorageError('INVALID_DATA', BACKEND, message);
}
