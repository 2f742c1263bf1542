import { describeValue } from './describe-value.js';

/**
 * Every difference between a model value written and the value read back, as `path: expected …,
 * got …` lines. Exact in the ways the model is exact: numbers by `Object.is` (NaN equals NaN, -0 is
 * not 0), bigint is never number, bytes byte for byte, arrays in order, objects by own enumerable
 * keys (so `__proto__` counts like any key). A key that is absent equals a key holding `undefined`,
 * as the model's optional-by-undefined fields (histogram `sum`, `min`, `max`) allow either.
 */
export function diffValues(expected: unknown, actual: unknown, path = ''): string[] {
  const differences: string[] = [];
  collect(expected, actual, path, differences);
  return differences;
}

function collect(expected: unknown, actual: unknown, path: string, out: string[]): void {
  if (typeof expected !== 'object' || expected === null) {
    if (!Object.is(expected, actual)) out.push(mismatch(path, expected, actual));
    return;
  }
  if (expected instanceof Uint8Array) {
    if (!(actual instanceof Uint8Array) || !sameBytes(expected, actual))
      out.push(mismatch(path, expected, actual));
    return;
  }
  if (Array.isArray(expected)) {
    collectArray(expected, actual, path, out);
    return;
  }
  if (
    typeof actual !== 'object' ||
    actual === null ||
    Array.isArray(actual) ||
    actual instanceof Uint8Array
  ) {
    out.push(mismatch(path, expected, actual));
    return;
  }
  collectObject(expected as Record<string, unknown>, actual as Record<string, unknown>, path, out);
}

function collectArray(expected: readonly unknown[], actual: unknown, path: string, out: string[]): void {
  if (!Array.isArray(actual)) {
    out.push(mismatch(path, expected, actual));
    return;
  }
  if (actual.length !== expected.length) {
    out.push(`${where(path)}: expected ${expected.length} items, got ${actual.length}`);
  }
  const shared = Math.min(expected.length, actual.length);
  for (let i = 0; i < shared; i++) collect(expected[i], actual[i], `${path}[${i}]`, out);
}

function collectObject(
  expected: Record<string, unknown>,
  actual: Record<string, unknown>,
  path: string,
  out: string[],
): void {
  for (const key of Object.keys(expected)) {
    const child = `${path}${member(key)}`;
    if (Object.hasOwn(actual, key)) collect(expected[key], actual[key], child, out);
    else if (expected[key] !== undefined)
      out.push(`${child}: missing, expected ${describeValue(expected[key])}`);
  }
  for (const key of Object.keys(actual)) {
    if (!Object.hasOwn(expected, key) && actual[key] !== undefined) {
      out.push(`${path}${member(key)}: unexpected key holding ${describeValue(actual[key])}`);
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function mismatch(path: string, expected: unknown, actual: unknown): string {
  const at =
    typeof expected === 'string' && typeof actual === 'string' ? firstDifference(expected, actual) : 0;
  const detail = at > 0 ? ` (first difference at index ${at})` : '';
  return `${where(path)}: expected ${describeValue(expected)}, got ${describeValue(actual)}${detail}`;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function where(path: string): string {
  return path === '' ? '(value)' : path;
}

/** `.key` for identifier-like keys, `["key"]` (JSON-escaped) for the rest, `__proto__` included. */
function member(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) && key !== '__proto__' ? `.${key}` : `[${JSON.stringify(key)}]`;
}
