import type { AttributeValue } from '@firefly/model';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../errors.js';
import { decodeAnyValueJson, encodeAnyValueJson } from './any-value.js';

describe('AnyValue as OTLP/JSON text', () => {
  it('keeps every type, including the doubles JSON has no numbers for', () => {
    const values: AttributeValue[] = [
      'text "quoted" \u0000 🔥',
      true,
      2n ** 63n - 1n,
      -(2n ** 63n),
      1.5,
      -0,
      Number.NaN,
      Number.NEGATIVE_INFINITY,
      new Uint8Array([0, 255, 7]),
      [1n, 1.5, 'a', null, [true]],
      { nested: { deeper: [2n] }, empty: null },
      null,
    ];
    for (const value of values) expect(decodeAnyValueJson(encodeAnyValueJson(value))).toEqual(value);
    expect(encodeAnyValueJson([1n, 1.5])).toBe(
      '{"arrayValue":{"values":[{"intValue":"1"},{"doubleValue":1.5}]}}',
    );
  });

  it('refuses what is not an AnyValue, naming the problem', () => {
    expect(() => decodeAnyValueJson('[1]')).toThrow(OtlpDecodeError);
    expect(() => decodeAnyValueJson('{"intValue":"x"}')).toThrow(/intValue/);
  });
});
