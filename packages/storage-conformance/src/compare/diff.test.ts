import { setAttribute } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { diffValues } from './diff.js';

describe('diffValues', () => {
  it('finds nothing between equal model values, NaN included', () => {
    const value = { a: [1n, Number.NaN, 'x', null, Uint8Array.of(1, 2)], b: { c: true } };
    expect(diffValues(value, structuredClone(value))).toEqual([]);
  });

  it('tells -0 from 0, bigint from number, and names both types', () => {
    expect(diffValues({ v: -0 }, { v: 0 })).toEqual(['.v: expected -0 (number), got 0 (number)']);
    expect(diffValues({ v: 2n ** 63n - 1n }, { v: Number(2n ** 63n - 1n) })).toEqual([
      '.v: expected 9223372036854775807n (bigint), got 9223372036854776000 (number)',
    ]);
    expect(diffValues([1], [1n])).toEqual(['[0]: expected 1 (number), got 1n (bigint)']);
  });

  it('compares bytes byte for byte, accepting a Buffer, refusing a string or an array', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(diffValues(bytes, Buffer.from(bytes))).toEqual([]);
    expect(diffValues(bytes, Buffer.from(bytes).toString('base64'))).toHaveLength(1);
    expect(diffValues(Uint8Array.of(1), [1])).toEqual(['(value): expected bytes[1] 01, got array of 1']);
    expect(diffValues(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toEqual([
      '(value): expected bytes[2] 0102, got bytes[2] 0103',
    ]);
  });

  it('treats an absent key as undefined, but never as null or a missing attribute', () => {
    expect(diffValues({ sum: undefined, count: 1n }, { count: 1n })).toEqual([]);
    expect(diffValues({ count: 1n }, { sum: undefined, count: 1n })).toEqual([]);
    expect(diffValues({ k: null }, {})).toEqual(['.k: missing, expected null']);
    expect(diffValues({}, { extra: 'x' })).toEqual(['.extra: unexpected key holding "x" (string)']);
  });

  it('sees a __proto__ key as an ordinary key, and names odd keys in JSON', () => {
    const written = {};
    setAttribute(written, '__proto__', 'own');
    expect(diffValues(written, {})).toEqual(['["__proto__"]: missing, expected "own" (string)']);
    expect(diffValues({ 'a.b': 1, '': 2 }, { 'a.b': 1, '': 3 })).toEqual([
      '[""]: expected 2 (number), got 3 (number)',
    ]);
  });

  it('keeps array order and reports length changes and each differing item', () => {
    expect(diffValues({ xs: [1, 2, 3] }, { xs: [1, 3] })).toEqual([
      '.xs: expected 3 items, got 2',
      '.xs[1]: expected 2 (number), got 3 (number)',
    ]);
  });

  it('points at the first differing character of long strings', () => {
    const long = 'x'.repeat(100);
    expect(diffValues(long, `${long.slice(0, 60)}y${long.slice(61)}`)).toEqual([
      `(value): expected "${'x'.repeat(48)}…" (string of 100), got "${'x'.repeat(48)}…" (string of 100) (first difference at index 60)`,
    ]);
    expect(diffValues('a\u0000b', 'a')).toEqual([
      '(value): expected "a\\u0000b" (string), got "a" (string) (first difference at index 1)',
    ]);
  });

  it('refuses a Map or a class instance where a plain object was written', () => {
    expect(diffValues({ a: 1 }, new Map([['a', 1]]))).toEqual(['.a: missing, expected 1 (number)']);
    expect(diffValues({ k: {} }, { k: [] })).toEqual(['.k: expected empty object, got array of 0']);
  });
});
