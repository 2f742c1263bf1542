import { OtlpDecodeError } from '../errors.js';

// Field readers for OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions: hex ids, integer
// enums). Missing and null fields read as the proto3 default. Type errors name the JSON path; the
// path is only turned into text when an error is thrown.

export type JsonObject = Record<string, unknown>;

export class JsonPath {
  private readonly segments: (string | number)[] = [];

  push(segment: string | number): void {
    this.segments.push(segment);
  }

  pop(): void {
    this.segments.pop();
  }

  error(key: string, problem: string): OtlpDecodeError {
    let text = '';
    for (const segment of this.segments) text += typeof segment === 'number' ? `[${segment}]` : `.${segment}`;
    return new OtlpDecodeError(
      'INVALID_JSON',
      `OTLP/JSON ${text.slice(1) || '(root)'}${text ? '.' : ''}${key}: ${problem}`,
    );
  }
}

export function object(o: JsonObject, key: string, path: JsonPath): JsonObject | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw path.error(key, `expected an object, got ${describe(value)}`);
  return value as JsonObject;
}

export function array(o: JsonObject, key: string, path: JsonPath): unknown[] {
  const value = o[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw path.error(key, `expected an array, got ${describe(value)}`);
  return value;
}

/** Each element of an array of objects, with the path pointing at it while `each` runs. */
export function eachObject(
  o: JsonObject,
  key: string,
  path: JsonPath,
  each: (item: JsonObject) => void,
): void {
  const items = array(o, key, path);
  path.push(key);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw path.error(String(i), `expected an object, got ${describe(item)}`);
    }
    path.push(i);
    each(item as JsonObject);
    path.pop();
  }
  path.pop();
}

export function string(o: JsonObject, key: string, path: JsonPath): string {
  const value = o[key];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw path.error(key, `expected a string, got ${describe(value)}`);
  return value;
}

export function boolean(o: JsonObject, key: string, path: JsonPath): boolean {
  const value = o[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw path.error(key, `expected true or false, got ${describe(value)}`);
  return value;
}

const INTEGER = /^-?\d+$/;

/** int64/uint64/fixed64: a JSON number or a decimal string, exact when given as a string. */
export function int64(o: JsonObject, key: string, path: JsonPath, unsigned = false): bigint {
  const value = o[key];
  if (value === undefined || value === null) return 0n;
  return toInt64(value, path, key, unsigned);
}

export function toInt64(value: unknown, path: JsonPath, key: string, unsigned: boolean): bigint {
  let result: bigint;
  if (typeof value === 'number' && Number.isInteger(value)) result = BigInt(value);
  else if (typeof value === 'string' && INTEGER.test(value)) result = BigInt(value);
  else throw path.error(key, `expected an integer (number or decimal string), got ${describe(value)}`);
  const min = unsigned ? 0n : -(2n ** 63n);
  const max = unsigned ? 2n ** 64n - 1n : 2n ** 63n - 1n;
  if (result < min || result > max) throw path.error(key, `${result} is out of range for a 64-bit integer`);
  return result;
}

/** uint32/int32 fields that are not enums. */
export function uint32(o: JsonObject, key: string, path: JsonPath): number {
  const value = o[key];
  if (value === undefined || value === null) return 0;
  const n = typeof value === 'string' && INTEGER.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < -(2 ** 31) || n > 2 ** 32 - 1) {
    throw path.error(key, `expected a 32-bit integer, got ${describe(value)}`);
  }
  return n >>> 0;
}

export function int32(o: JsonObject, key: string, path: JsonPath): number {
  return uint32(o, key, path) | 0;
}

/** Enums are integers in OTLP/JSON; names (e.g. "SPAN_KIND_SERVER") are accepted too. */
export function enumeration(o: JsonObject, key: string, path: JsonPath, names: readonly string[]): number {
  const value = o[key];
  if (typeof value === 'string' && !INTEGER.test(value)) {
    const index = names.indexOf(value);
    if (index < 0)
      throw path.error(key, `unknown value "${value}"; expected an integer or one of ${names.join(', ')}`);
    return index;
  }
  return int32(o, key, path);
}

/** double: a JSON number, or "NaN", "Infinity", "-Infinity" (or a numeric string). */
export function double(o: JsonObject, key: string, path: JsonPath): number | undefined {
  const value = o[key];
  if (value === undefined || value === null) return undefined;
  return toDouble(value, path, key);
}

export function toDouble(value: unknown, path: JsonPath, key: string): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return Number.NaN;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  throw path.error(key, `expected a number, got ${describe(value)}`);
}

const HEX = /^[0-9a-fA-F]*$/;

/** Trace and span ids: hex in OTLP/JSON (not base64), any case; returned lowercase. */
export function hexId(o: JsonObject, key: string, path: JsonPath): string {
  const value = string(o, key, path);
  if (value.length % 2 !== 0 || !HEX.test(value))
    throw path.error(key, `expected hex digits, got "${value.slice(0, 64)}"`);
  return value.toLowerCase();
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Other bytes fields: standard or URL-safe base64, per the protobuf JSON mapping. */
export function base64(value: unknown, path: JsonPath, key: string): Uint8Array {
  if (typeof value !== 'string' || !(BASE64.test(value) || BASE64_URL.test(value))) {
    throw path.error(key, `expected base64, got ${describe(value)}`);
  }
  return new Uint8Array(Buffer.from(value, BASE64.test(value) ? 'base64' : 'base64url'));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.slice(0, 40)}"`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 40)}`;
}
