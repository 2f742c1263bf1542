const SHOWN_STRING_CHARS = 48;
const SHOWN_BYTES = 12;

/** A short, typed rendering of a model value for a difference message, e.g. `-0 (number)`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return describeString(value);
    case 'number':
      return `${Object.is(value, -0) ? '-0' : String(value)} (number)`;
    case 'bigint':
      return `${value}n (bigint)`;
    case 'boolean':
      return `${value} (boolean)`;
    case 'undefined':
      return 'undefined';
    case 'object':
      return describeObject(value);
    default:
      return typeof value;
  }
}

function describeString(value: string): string {
  if (value.length <= SHOWN_STRING_CHARS) return `${JSON.stringify(value)} (string)`;
  const head = JSON.stringify(value.slice(0, SHOWN_STRING_CHARS));
  return `${head.slice(0, -1)}…" (string of ${value.length})`;
}

function describeObject(value: object | null): string {
  if (value === null) return 'null';
  if (value instanceof Uint8Array) {
    const shown = Buffer.from(value.subarray(0, SHOWN_BYTES)).toString('hex');
    return `bytes[${value.length}] ${shown}${value.length > SHOWN_BYTES ? '…' : ''}`;
  }
  if (Array.isArray(value)) return `array of ${value.length}`;
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== Object.prototype && prototype !== null) {
    return `${prototype.constructor?.name ?? 'object'} instance`;
  }
  const keys = Object.keys(value);
  return keys.length === 0 ? 'empty object' : `object with ${keys.length} key${keys.length === 1 ? '' : 's'}`;
}
